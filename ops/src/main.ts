// Entry point of every Varco process: `--role=all` (npm start: API + console + workers on embedded PGlite),
// `--role=api` (API + console) and `--role=workers` (queue workers + outbox relay) for the production shape.
import { createLogger, parseEnv, type TEnv } from '@varco/api';
import { DataDirLockedError, DEMO_LOGINS } from '@varco/db';
import { startHost, type THostRole } from './host.js';

function parseRole(argv: string[]): THostRole {
  const arg = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all';
  if (arg === 'all' || arg === 'api' || arg === 'workers') return arg;
  fail(`Unknown role "${arg}": use --role=all, --role=api or --role=workers.`);
}

function fail(sentence: string): never {
  process.stderr.write(`varco: ${sentence}\n`);
  process.exit(1);
}

function loadEnv(role: THostRole): TEnv {
  // The start command seeds the demo unless told otherwise; separate processes never seed by default.
  const source = { ...process.env };
  if (role === 'all' && source.VARCO_SEED_DEMO === undefined) source.VARCO_SEED_DEMO = 'true';
  const parsed = parseEnv(source);
  if (!parsed.ok) fail(`the configuration is not valid — ${parsed.problems.join('; ')}. See .env.example.`);
  if (role !== 'all' && !parsed.env.DATABASE_URL) {
    fail(`--role=${role} needs DATABASE_URL (PostgreSQL): embedded PGlite allows only one process, so use \`npm start\` for it.`);
  }
  return parsed.env;
}

function printBanner(url: string | null, env: TEnv, databaseKind: string) {
  const lines = [`Varco is running${url ? ` at ${url}` : ' (workers only)'}`, `  database: ${databaseKind}`];
  if (url) lines.push(`  API docs: ${url}/api/docs   health: ${url}/healthz`);
  if (url && env.VARCO_SEED_DEMO) {
    lines.push('  demo logins (user / password):');
    for (const login of DEMO_LOGINS) lines.push(`    ${login.username.padEnd(13)} ${login.password}   ${login.label}`);
  }
  lines.push('  Ctrl-C stops it.');
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

async function main() {
  const role = parseRole(process.argv.slice(2));
  const env = loadEnv(role);
  const logger = createLogger({ level: env.LOG_LEVEL, name: `varco-${role}` });
  let host: Awaited<ReturnType<typeof startHost>>;
  try {
    host = await startHost(env, role, logger);
  } catch (err) {
    if (err instanceof DataDirLockedError) fail(err.message);
    logger.error('start failed', { error: (err as Error).message });
    fail(`could not start: ${(err as Error).message}`);
  }
  printBanner(host.url, env, host.databaseKind);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write('varco: second signal, exiting now\n');
      process.exit(130);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    void host.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
