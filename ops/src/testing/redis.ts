import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';

export interface RedisServer {
  url: string;
  port: number;
  /**
   * Stops redis-server (SIGTERM: with `persistent` it fsyncs the AOF first), awaits `whileDown`, then starts it
   * again on the same port and data directory — a Redis restart as clients see it.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Data directory (kept after stop). Default: a fresh temp dir, removed by stop(). */
  dir?: string;
  /** Append-only file on, as production requires: queued jobs survive a restart. Default off (tests throw data away). */
  persistent?: boolean;
}

const ATTEMPTS = 5;

/** A private redis-server on a free loopback port, configured like production (noeviction; AOF with `persistent`). */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const bin = redisBinary();
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'vr-')));
  await mkdir(dir, { recursive: true });
  const cleanup = () => (opts.dir ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  const launch = (port: number) => spawn(bin, redisArgs(port, dir, opts.persistent ?? false), { cwd: dir, stdio: 'ignore' });
  let why = '';
  // The port can be taken between freePort() and redis' own bind (redis cannot bind port 0), so retry.
  for (let attempt = 1; attempt <= ATTEMPTS && !why.startsWith('no PONG'); attempt++) {
    const port = await freePort();
    const child = launch(port);
    if (await waitUntil(child, () => ping(port), 30_000)) return running(child, port, cleanup, () => launch(port), dir);
    why = isRunning(child) ? 'no PONG within 30 s' : 'it exited at once';
    await stopChild(child, 'SIGTERM');
  }
  const tail = await logTail(join(dir, 'redis.log'));
  await cleanup();
  throw new Error(`redis-server did not start (${why}); its log ends with:\n${tail}`);
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function running(first: ChildProcess, port: number, cleanup: () => Promise<void>, respawn: () => ChildProcess, dir: string): RedisServer {
  let child = first;
  // A vitest worker can exit without running afterAll; never leave a server behind.
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(whileDown) {
      await stopChild(child, 'SIGTERM');
      await whileDown?.();
      child = respawn();
      if (!(await waitUntil(child, () => ping(port), 30_000))) {
        throw new Error(`redis-server did not come back on port ${port}; its log ends with:\n${await logTail(join(dir, 'redis.log'))}`);
      }
    },
    async stop() {
      process.off('exit', onExit);
      await stopChild(child, 'SIGTERM');
      await cleanup();
    },
  };
}

function redisArgs(port: number, dir: string, persistent: boolean): string[] {
  return [
    ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--logfile', join(dir, 'redis.log')],
    // Tests throw their data away unless asked: no AOF, no snapshots. Eviction policy as in production (TRAPS.md).
    ...['--appendonly', persistent ? 'yes' : 'no', '--save', '', '--maxmemory-policy', 'noeviction'],
    ...['--protected-mode', 'yes', '--daemonize', 'no'],
  ];
}

function redisBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  const found = dirs.map((d) => join(d, 'redis-server')).find((p) => existsSync(p));
  if (!found) throw new Error('redis-server is not installed: `apt-get install redis-server` (or run `npm test` as root).');
  return found;
}

/** Raw RESP PING: true on `+PONG` (a `-LOADING` reply means not ready yet). */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

// ---- child-process helpers, shared with postgres.ts

/**
 * Polls `ready` until it returns true (→ true), the child exits or fails to spawn (→ false: port race or bad
 * config), or `timeoutMs` passes (→ false, child still running).
 */
export async function waitUntil(child: ChildProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let gone = child.exitCode !== null || child.signalCode !== null;
  const onGone = () => (gone = true);
  child.once('exit', onGone).once('error', onGone);
  try {
    for (const deadline = Date.now() + timeoutMs; !gone && Date.now() < deadline; ) {
      if (await ready()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  } finally {
    child.off('exit', onGone).off('error', onGone);
  }
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` so a stuck server cannot hang the suite. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 15_000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last lines of a server log, for error messages (the temp dir is removed right after). */
export async function logTail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log written)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
