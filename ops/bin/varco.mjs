#!/usr/bin/env node
// Varco launcher. Plain Node ESM with NO dependencies: it runs before `npm ci` has installed anything.
//   start                 install/build if stale, run a private redis-server unless REDIS_URL is set, run all roles
//   serve --role=ROLE     production shape: run one role (api | workers); main.ts validates REDIS_URL/DATABASE_URL
//   test [vitest args…]   install missing system packages and node_modules, then run ops/src/test-runner.ts
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { constants } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Node reads .env itself (variables already in the environment win), so main.ts still parses one environment.
// --max-semi-space-size=32 (MB, V8's default is 16): a directory sync decodes and plans 100,000 entries of short-lived
// objects; a larger young generation let scavenges free them instead of promoting them, and cut the read + plan of
// `npm run bench:sync` from 6.8 to 4.1 s in an A/B. It only grows when allocation needs it.
const MAIN = [
  ...(existsSync(new URL('../../.env', import.meta.url)) ? ['--env-file=.env'] : []),
  '--max-semi-space-size=32',
  ...['--import', 'tsx', 'ops/src/main.ts'],
];
const POLICY_RC = '/usr/sbin/policy-rc.d';
const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** An expected failure: its message is printed as one line and the launcher exits with `code`. */
class Fatal extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Exit code for a child that was killed by a signal (Ctrl-C), as a shell would report it. */
const signalCode = (res) => (res.signal ? 128 + constants.signals[res.signal] : res.status === 130 ? 130 : 1);

const log = (msg) => console.log(`varco: ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Processes to stop if the launcher itself exits early (error, or a signal before the main child runs).
const leftovers = new Set();
process.on('exit', () => {
  for (const child of leftovers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

// Listen from the very start: without a listener a signal kills Node outright, skipping the 'exit' cleanup
// (a detached redis would be orphaned) and leaving a temporary policy-rc.d behind. superviseNode() swaps it.
let signalHandler = async (sig) => {
  log(`${sig}: aborting`);
  // Wait for the processes we started, so none is left behind (or as a zombie: PID 1 may not reap here).
  await Promise.all([...leftovers].map((child) => stopProcess(child, 'SIGTERM')));
  process.exit(128 + constants.signals[sig]);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, (s) => signalHandler(s));

// ---------------------------------------------------------------- helpers

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest file under the given paths (files or directories); missing paths are skipped. */
function newest(paths) {
  let best = { path: '', ms: 0 };
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (st.mtimeMs > best.ms) best = { path: p, ms: st.mtimeMs };
  };
  paths.forEach(visit);
  return best;
}

function findBin(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...BIN_DIRS];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
}

function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base) : [];
  return versions.map((v) => join(base, v, 'bin', 'postgres')).find((p) => existsSync(p)) ?? null;
}

const canApt = () => existsSync('/etc/debian_version') && process.getuid?.() === 0;

/** Run a command in the foreground; throws Fatal with `what` if it fails. */
function run(cmd, args, what) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (res.error) throw new Fatal(`${what} failed: ${res.error.message}`);
  if (res.signal) throw new Fatal(`${what} was interrupted.`, signalCode(res));
  if (res.status !== 0) throw new Fatal(`${what} failed (exit ${res.status}).`);
}

// ---------------------------------------------------------------- apt

/**
 * apt-get with a temporary policy-rc.d that refuses service starts: installing redis-server, slapd or postgresql
 * would otherwise enable and start system daemons on the default ports.
 */
function withPolicyGuard(fn) {
  const created = !existsSync(POLICY_RC);
  if (created) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    return fn();
  } finally {
    if (created) rmSync(POLICY_RC, { force: true });
  }
}

function apt(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const res = spawnSync('apt-get', args, { stdio: 'inherit', env });
  // Ctrl-C reached apt-get too: stop here instead of going on to `apt-get update`.
  if (res.signal || res.status === 130) throw new Fatal(`apt-get ${args[0]} was interrupted.`, signalCode(res));
  return res.status === 0;
}

/** updateFirst: one `apt-get update` before installing; otherwise update only if the plain install fails. */
function aptInstall(pkgs, { updateFirst }) {
  log(`installing ${pkgs.join(', ')} with apt-get`);
  const install = () => apt(['install', '-y', '--no-install-recommends', ...pkgs]);
  const ok = withPolicyGuard(() => {
    if (updateFirst) return apt(['update']) && install();
    return install() || (apt(['update']) && install());
  });
  if (!ok) throw new Fatal(`apt-get could not install ${pkgs.join(' ')}; install them by hand and retry.`);
}

// ---------------------------------------------------------------- node_modules and web build

function ensureNodeModules() {
  if (process.env.VARCO_SKIP_INSTALL === '1') return;
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  let reason = null;
  if (!existsSync(join(ROOT, 'node_modules'))) reason = 'node_modules is missing';
  else if (mtime(join(ROOT, 'package-lock.json')) > mtime(marker)) reason = 'package-lock.json is newer than node_modules';
  if (!reason) return;
  log(`${reason}: running npm ci`);
  run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
}

function ensureWebBuild() {
  const handler = join(ROOT, 'web', 'build', 'handler.js');
  const inputs = ['web/src', 'web/svelte.config.js', 'web/vite.config.ts', 'api/src/contract'].map((p) => join(ROOT, p));
  const src = newest(inputs);
  const built = mtime(handler);
  if (built && src.ms <= built) return;
  log(built ? `${relative(ROOT, src.path)} changed: rebuilding the web console` : 'building the web console');
  run('npm', ['run', 'build', '-w', '@varco/web'], 'the web build (npm run build -w @varco/web)');
}

// ---------------------------------------------------------------- redis

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Raw RESP `PING` so readiness needs neither redis-cli nor a client library. `-LOADING` (AOF replay) is not ready. */
function ping(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

/** Resolves 'ready', 'exited' (port race or bad config) or 'timeout'. */
async function waitForRedis(child, port, timeoutMs) {
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    if (await ping(port)) return 'ready';
    await sleep(50);
  }
  return 'timeout';
}

function redisBinary() {
  const found = findBin('redis-server');
  if (found) return found;
  if (!canApt()) {
    throw new Fatal(
      'redis-server is not installed: install it (e.g. `sudo apt-get install redis-server`) or set REDIS_URL to an existing Redis.',
    );
  }
  aptInstall(['redis-server'], { updateFirst: false });
  const installed = findBin('redis-server');
  if (!installed) throw new Fatal('redis-server is still missing after apt-get install; set REDIS_URL instead.');
  return installed;
}

/** Two redis-servers appending to one AOF would corrupt it, so refuse if the last one is still alive. */
function refuseIfRunning(pidFile) {
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  let cmdline;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // stale pid file from a killed run
  }
  if (cmdline.includes('redis-server')) {
    throw new Fatal(
      `a redis-server (pid ${pid}) is already using ${relative(ROOT, dirname(pidFile))}: stop the other \`npm start\` or run \`kill ${pid}\`.`,
    );
  }
}

async function startOwnRedis() {
  const bin = redisBinary();
  const dir = join(ROOT, '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  refuseIfRunning(join(dir, 'redis.pid'));
  const logFile = join(dir, 'redis.log');
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    // detached: a terminal Ctrl-C must reach main.ts only, so it can drain jobs while Redis is still up.
    const child = spawn(bin, redisArgs(port, dir, logFile), { cwd: dir, stdio: 'ignore', detached: true });
    leftovers.add(child);
    const state = await waitForRedis(child, port, 30_000);
    if (state === 'ready') {
      log(`redis-server ready on 127.0.0.1:${port} (data in .data/redis)`);
      return { child, url: `redis://127.0.0.1:${port}` };
    }
    await stopProcess(child, 'SIGTERM');
    if (state === 'timeout') throw new Fatal(`redis-server did not answer PING within 30 s; see ${relative(ROOT, logFile)}.`);
    log(`redis-server exited at once on port ${port}; retrying (${attempt}/5)`);
  }
  throw new Fatal(`redis-server kept exiting at startup; see ${relative(ROOT, logFile)}.`);
}

function redisArgs(port, dir, logFile) {
  return [
    ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
    ...['--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    ...['--daemonize', 'no', '--logfile', logFile, '--pidfile', join(dir, 'redis.pid')],
  ];
}

/** Signal a child and wait for it; SIGKILL after `graceMs`. */
async function stopProcess(child, signal, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  leftovers.delete(child);
}

function redisUrlFromDotenv() {
  const file = join(ROOT, '.env');
  return existsSync(file) ? parseEnv(readFileSync(file, 'utf8')).REDIS_URL : undefined;
}

// ---------------------------------------------------------------- child supervision

/**
 * Spawn `node args` and forward signals. Under `npm start`, one Ctrl-C arrives twice (from the terminal and
 * from npm), so repeats within a second are ignored. A later second signal forces: SIGKILL when `forceKill`,
 * otherwise it is forwarded (the test runner escalates by itself). Resolves the child's exit code.
 */
function superviseNode(args, { detached, forceKill }) {
  // detached children do not get the terminal's Ctrl-C, so every signal reaches them exactly once (from us);
  // they have no controlling terminal, hence stdin 'ignore'.
  const stdio = detached ? ['ignore', 'inherit', 'inherit'] : 'inherit';
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio, env: process.env, detached });
  leftovers.add(child);
  let firstAt = 0;
  const onSignal = (sig) => {
    const fwd = sig === 'SIGHUP' ? 'SIGTERM' : sig;
    const now = Date.now();
    if (!firstAt) {
      firstAt = now;
      log(`${sig}: stopping (send it again to force)`);
      return void child.kill(fwd);
    }
    if (now - firstAt < 1000) return;
    log('forcing stop');
    child.kill(forceKill ? 'SIGKILL' : fwd);
  };
  signalHandler = onSignal;
  return new Promise((resolve) => {
    child.once('error', (err) => {
      log(`could not start node: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      leftovers.delete(child);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

// ---------------------------------------------------------------- commands

async function cmdStart() {
  ensureNodeModules();
  ensureWebBuild();
  let redis = null;
  if (process.env.REDIS_URL || redisUrlFromDotenv()) log('using REDIS_URL from the environment or .env');
  else {
    redis = await startOwnRedis();
    process.env.REDIS_URL = redis.url;
  }
  try {
    return await superviseNode([...MAIN, '--role=all'], { detached: true, forceKill: true });
  } finally {
    if (redis) {
      log('stopping redis-server');
      await stopProcess(redis.child, 'SIGTERM'); // SIGTERM makes redis fsync the AOF before exiting
    }
  }
}

async function cmdServe(args) {
  const role = args.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  if (role !== 'api' && role !== 'workers') throw new Fatal('usage: varco serve --role=api|workers');
  if (!existsSync(join(ROOT, 'node_modules'))) throw new Fatal('node_modules is missing: run `npm ci` first.');
  return superviseNode([...MAIN, `--role=${role}`], { detached: true, forceKill: true });
}

const TEST_PACKAGES = [
  ['redis-server', () => findBin('redis-server')],
  ['postgresql', findPostgresBin],
  ['slapd', () => findBin('slapd')],
  ['ldap-utils', () => findBin('ldapsearch')],
  ['chromium', () => existsSync('/usr/bin/chromium')],
  ['openvpn', () => findBin('openvpn')],
  ['nftables', () => findBin('nft')],
  ['fonts-dejavu-core', () => existsSync('/usr/share/fonts/truetype/dejavu')],
];

function ensureTestPackages() {
  const missing = TEST_PACKAGES.filter(([, present]) => !present()).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (!canApt() || process.env.VARCO_SKIP_INSTALL === '1') {
    throw new Fatal(`the test suite needs these missing Debian packages: ${missing.join(' ')} (apt-get install them as root).`);
  }
  aptInstall(missing, { updateFirst: true });
}

async function cmdTest(args) {
  ensureTestPackages();
  ensureNodeModules();
  // Not detached: a terminal Ctrl-C should hit vitest and the test servers at once; the runner cleans up the rest.
  return superviseNode(['--import', 'tsx', 'ops/src/test-runner.ts', ...args], { detached: false, forceKill: false });
}

async function main([cmd, ...args]) {
  if (cmd === 'start') return cmdStart();
  if (cmd === 'serve') return cmdServe(args);
  if (cmd === 'test') return cmdTest(args);
  throw new Fatal('usage: varco start | serve --role=api|workers | test [vitest args…]');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof Fatal) log(err.message);
    else console.error(err);
    process.exit(err instanceof Fatal ? err.code : 1);
  },
);
