/**
 * The whole test suite, as run by `npm test` (through ops/bin/varco.mjs, which installs what is missing first).
 *
 *   npm test                       typecheck, lint, web build, vitest unit+integration, vitest browser
 *   npm test -- <vitest args…>     fast loop: only `vitest run <args>` (plus the web build if browser tests are asked for)
 *
 * One redis-server and one PostgreSQL are shared by every test file, exported as TEST_REDIS_URL and
 * TEST_DATABASE_URL (tests create their own databases from it); VARCO_TEST_TMP is a scratch dir for tests.
 * One SMTP sink runs in this process: TEST_SMTP_URL and TEST_SMTP_API (tests open their own mailbox on it,
 * ops/src/testing/mailbox.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from './testing/postgres.js';
import { startRedis, type RedisServer } from './testing/redis.js';
import { startSmtpSink, type TSmtpSinkServer } from './testing/smtp-sink.js';

type Status = 'ok' | 'FAILED' | 'interrupted' | 'warning' | 'skipped' | 'not run';

interface Step {
  name: string;
  /** A command to spawn, or an in-process action. */
  run: string[] | (() => Promise<void>);
  /** Reason to skip, decided when the step is reached. */
  skipIf?: () => string | null;
  /** A failure is reported as a warning and the run goes on. */
  optional?: boolean;
}

interface Result {
  name: string;
  status: Status;
  ms: number;
  note?: string;
}

const ROOT = join(import.meta.dirname, '..', '..');
const log = (msg: string) => console.log(`varco: ${msg}`);

let current: ChildProcess | null = null;
let interrupted: NodeJS.Signals | null = null;
let servers: { redis?: RedisServer; postgres?: PostgresServer; smtp?: TSmtpSinkServer } = {};

async function main(args: string[]): Promise<number> {
  trapSignals();
  const scratch = await mkdtemp(join(tmpdir(), 'vt-'));
  await chmod(scratch, 0o711); // servers that tests run as other users (postgres, openldap) must traverse it
  process.env.VARCO_TEST_TMP = scratch;
  const results: Result[] = [];
  try {
    for (const step of plan(args)) {
      results.push(await runStep(step));
      if (results.at(-1)?.status === 'FAILED' || interrupted) break;
    }
  } finally {
    await stopServers();
  }
  const failed = results.some((r) => r.status === 'FAILED');
  // Keep what failing tests left behind (server logs, generated files); an empty dir is just noise.
  if (failed && (await readdir(scratch)).length > 0) log(`kept VARCO_TEST_TMP=${scratch} for inspection`);
  else await rm(scratch, { recursive: true, force: true });
  printSummary(results, plan(args));
  if (interrupted) return 128 + constants.signals[interrupted];
  return failed ? 1 : 0;
}

function plan(args: string[]): Step[] {
  const serversStep: Step = { name: 'start redis + postgres + smtp sink', run: startServers };
  const web: Step = { name: 'build web', run: ['npm', 'run', 'build', '-w', '@varco/web'] };
  // web/tsconfig.json extends .svelte-kit/tsconfig.json, which only exists after a sync; without it vitest cannot
  // transform any file under web/.
  const sync: Step = {
    name: 'svelte-kit sync',
    run: ['npm', 'exec', '-w', '@varco/web', '--', 'svelte-kit', 'sync'],
    skipIf: () => (existsSync(join(ROOT, 'web', '.svelte-kit', 'tsconfig.json')) ? 'already synced' : null),
    optional: true, // a broken web app must not block a fast loop on api/ or db/ tests
  };
  if (args.length > 0) {
    // Fast loop: no typecheck/lint; build the web console only when browser tests may run.
    const wantsBrowser = args.some((a) => /browser|web\/tests/.test(a));
    return [wantsBrowser ? web : sync, serversStep, { name: `vitest ${args.join(' ')}`, run: vitest(args) }];
  }
  return [
    { name: 'typecheck', run: ['npm', 'run', 'typecheck'] },
    { name: 'lint', run: ['npm', 'run', 'lint'] },
    web,
    sync,
    serversStep,
    { name: 'vitest unit + integration', run: vitest(['--project', 'unit', '--project', 'integration']) },
    { name: 'vitest browser', run: vitest(['--project', 'browser']), skipIf: noBrowserTests },
  ];
}

const vitest = (args: string[]) => ['npx', 'vitest', 'run', ...args];

function noBrowserTests(): string | null {
  const dir = join(ROOT, 'web', 'tests');
  const found = existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.browser.test.ts'));
  return found ? null : 'no web/tests/**/*.browser.test.ts yet';
}

async function runStep(step: Step): Promise<Result> {
  const skip = step.skipIf?.();
  if (skip) {
    log(`${step.name}: skipped (${skip})`);
    return { name: step.name, status: 'skipped', ms: 0, note: skip };
  }
  log(`${step.name}…`);
  const started = Date.now();
  let ok: boolean;
  let note: string | undefined;
  if (Array.isArray(step.run)) ok = (await spawnStep(step.run)) === 0;
  else {
    ok = await step.run().then(
      () => true,
      (err: unknown) => ((note = err instanceof Error ? err.message : String(err)), false),
    );
    if (note) log(`${step.name} failed: ${note}`);
  }
  const status: Status = ok ? 'ok' : interrupted ? 'interrupted' : step.optional ? 'warning' : 'FAILED';
  if (status === 'warning') log(`${step.name} failed; continuing (tests that need it will fail)`);
  return { name: step.name, status, ms: Date.now() - started, ...(note ? { note } : {}) };
}

function spawnStep([cmd, ...args]: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd!, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
    current = child;
    child.once('error', (err) => {
      log(`could not run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

async function startServers(): Promise<void> {
  // allSettled: if one fails the other must still be stopped (main's finally does that).
  const [redis, postgres, smtp] = await Promise.allSettled([startRedis(), startPostgres(), startSmtpSink()]);
  if (redis.status === 'fulfilled') servers.redis = redis.value;
  if (postgres.status === 'fulfilled') servers.postgres = postgres.value;
  if (smtp.status === 'fulfilled') servers.smtp = smtp.value;
  for (const started of [redis, postgres, smtp]) if (started.status === 'rejected') throw started.reason;
  process.env.TEST_REDIS_URL = servers.redis!.url;
  process.env.TEST_DATABASE_URL = servers.postgres!.url;
  process.env.TEST_SMTP_URL = servers.smtp!.smtpUrl;
  process.env.TEST_SMTP_API = servers.smtp!.apiUrl;
  log(`TEST_REDIS_URL=${servers.redis!.url} TEST_DATABASE_URL=${servers.postgres!.url} TEST_SMTP_URL=${servers.smtp!.smtpUrl}`);
}

async function stopServers(): Promise<void> {
  const { redis, postgres, smtp } = servers;
  servers = {};
  await Promise.all([redis?.stop(), postgres?.stop(), smtp?.stop()]);
}

/**
 * First SIGINT/SIGTERM: pass it to the running step and stop after it. A terminal Ctrl-C reaches every process in
 * the group, and varco.mjs forwards it too, so repeats within a second are the same Ctrl-C; a later one kills the step.
 */
function trapSignals(): void {
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    const now = Date.now();
    if (!firstAt) {
      firstAt = now;
      interrupted = sig;
      log(`${sig}: stopping after cleanup (send it again to force)`);
      current?.kill(sig);
    } else if (now - firstAt > 1000) {
      current?.kill('SIGKILL');
    }
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', () => onSignal('SIGTERM'));
}

function printSummary(results: Result[], steps: Step[]): void {
  const rows: Result[] = steps.map((s) => results.find((r) => r.name === s.name) ?? { name: s.name, status: 'not run', ms: 0 });
  const width = Math.max(...rows.map((r) => r.name.length));
  log('summary');
  for (const r of rows) {
    const time = r.ms > 0 ? `${(r.ms / 1000).toFixed(1).padStart(6)} s` : '';
    console.log(`  ${r.status.padEnd(11)} ${r.name.padEnd(width)}  ${time}`.trimEnd());
  }
  const total = results.reduce((sum, r) => sum + r.ms, 0);
  console.log(`  total ${(total / 1000).toFixed(1)} s${interrupted ? ` (interrupted by ${interrupted})` : ''}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await stopServers().catch(() => {});
    process.exit(1);
  },
);
