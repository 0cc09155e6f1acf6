import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { API_PATH_PREFIXES, createApp, type TEnv, type TLogger } from '@varco/api';
import { migrateDatabase, openDatabase, seedDemoData, deleteExpiredSessions, type Database } from '@varco/db';
import { createProducer, startOutboxRelay, startWorkers, type TPkiSettings, type TProducer } from '@varco/workers';
import { appConfigOf, directorySyncOf } from './config.js';
import { preparePki } from './pki-setup.js';

export type THostRole = 'all' | 'api' | 'workers';
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

interface TStopper {
  name: string;
  stop: () => Promise<unknown>;
}

/** Opens everything this process's role needs; `stop()` closes it all in reverse order. */
export async function startHost(env: TEnv, role: THostRole, logger: TLogger) {
  const stoppers: TStopper[] = [];
  const stop = async () => {
    for (const { name, stop: close } of stoppers.reverse()) {
      await close().catch((err: Error) => logger.error('shutdown step failed', { step: name, error: err.message }));
    }
  };
  try {
    const database = await openConfiguredDatabase(env);
    stoppers.push({ name: 'database', stop: () => database.close() });
    await migrateDatabase(database);
    if (env.VARCO_SEED_DEMO) {
      const seeded = await seedDemoData(database.db);
      if (seeded.seeded) logger.info('demo data seeded', { ...seeded.counts });
    }
    const pki = await preparePki(env, database, resolve(REPO_ROOT, env.VARCO_DATA_DIR), logger);
    const producer = createProducer(env.REDIS_URL, { prefix: env.VARCO_REDIS_PREFIX });
    stoppers.push({ name: 'producer', stop: () => producer.close() });
    if (role !== 'api') await startBackground(env, database, producer, logger, stoppers, pki);
    let url: string | null = null;
    if (role !== 'workers') {
      const server = await startHttp(env, database, producer, logger, pki);
      stoppers.push({ name: 'http', stop: () => closeServer(server) });
      url = serverUrl(server, env);
      const sweeper = setInterval(() => void deleteExpiredSessions(database.db, { idleTimeoutMs: env.SESSION_IDLE_MINUTES * 60_000 }).catch(() => {}), 600_000);
      stoppers.push({ name: 'session sweeper', stop: async () => clearInterval(sweeper) });
    }
    return { url, stop, databaseKind: database.kind };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function openConfiguredDatabase(env: TEnv): Promise<Database> {
  if (env.DATABASE_URL) return openDatabase({ url: env.DATABASE_URL });
  return openDatabase({ dataDir: join(resolve(REPO_ROOT, env.VARCO_DATA_DIR), 'pglite') });
}

async function startBackground(env: TEnv, database: Database, producer: TProducer, logger: TLogger, stoppers: TStopper[], pki: TPkiSettings) {
  const workers = await startWorkers({
    db: database.db,
    redisUrl: env.REDIS_URL,
    prefix: env.VARCO_REDIS_PREFIX,
    logger,
    concurrency: { system: env.WORKER_CONCURRENCY, notify: env.WORKER_CONCURRENCY, pki: env.WORKER_CONCURRENCY },
    stalledMs: env.WORKER_STALLED_SECONDS * 1000,
    mail: env.SMTP_URL && env.SMTP_FROM ? { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM } : null,
    publicUrl: env.PUBLIC_URL ?? null,
    directorySync: directorySyncOf(env),
    pki,
  });
  stoppers.push({ name: 'workers', stop: () => workers.close() });
  const relay = startOutboxRelay(database.db, producer, { intervalMs: 1000, logger });
  stoppers.push({ name: 'outbox relay', stop: () => relay.stop() });
}

const PROTOCOL_STAMP = 'x-varco-protocol';

type TNodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** One port: API paths go to Hono, everything else to the SvelteKit console, which calls the API in-process. */
async function startHttp(env: TEnv, database: Database, producer: TProducer, logger: TLogger, pki: TPkiSettings): Promise<Server> {
  const app = createApp({ db: database.db, producer, logger, config: { ...appConfigOf(env), pki }, pingDatabase: () => database.ping() });
  // The console's server-side client finds the API here: no network hop, and the API may trust its
  // X-Forwarded-For (the console sets it from the real client address).
  (globalThis as Record<symbol, unknown>)[Symbol.for('varco.api.fetch')] = (request: Request) =>
    app.fetch(request, { trustedForwarder: true });
  const api = getRequestListener(app.fetch);
  const console = await loadConsole(env);
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (API_PATH_PREFIXES.some((prefix) => path.startsWith(prefix) || path === prefix.replace(/\/$/, ''))) {
      void api(req, res);
      return;
    }
    req.headers[PROTOCOL_STAMP] = 'http';
    console(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolveListen());
  });
  logger.info('http listening', { host: env.HOST, port: (server.address() as { port: number }).port });
  return server;
}

async function loadConsole(env: TEnv): Promise<TNodeHandler> {
  // adapter-node reads its settings from the environment when the module loads; set them from our config.
  if (env.PUBLIC_URL) process.env.ORIGIN = new URL(env.PUBLIC_URL).origin;
  else if (!env.TRUST_PROXY) {
    // No fixed public address: the origin is whatever host the browser used (localhost or 127.0.0.1), over
    // plain http — stamped by startHttp on a header of our own, so SvelteKit's CSRF origin check compares
    // like with like and a client cannot spoof it.
    process.env.PROTOCOL_HEADER = PROTOCOL_STAMP;
    process.env.HOST_HEADER = 'host';
  }
  if (env.TRUST_PROXY) {
    process.env.ADDRESS_HEADER = 'x-forwarded-for';
    process.env.XFF_DEPTH = '1';
    process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
    process.env.HOST_HEADER = 'x-forwarded-host';
  }
  const path = join(REPO_ROOT, 'web/build/handler.js');
  try {
    const module = (await import(path)) as { handler: TNodeHandler };
    return module.handler;
  } catch (err) {
    throw new Error(`The console is not built (${path}): run \`npm run build\` or start with \`npm start\`.`, { cause: err });
  }
}

function serverUrl(server: Server, env: TEnv): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL;
  const { port } = server.address() as { port: number };
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return `http://${host}:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5000).unref();
  });
}
