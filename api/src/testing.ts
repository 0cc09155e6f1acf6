import { randomBytes } from 'node:crypto';
import { seedDemoData, type Database } from '@varco/db';
import { openTestDatabase, type TTestDbKind } from '@varco/db/testing';
import { createProducer, startWorkers, type TPkiSettings, type TProducer, type TWorkers } from '@varco/workers';
import { createApp } from './app.js';
import type { TAppConfig } from './deps.js';
import type { TLogger } from './logger.js';
import { createTestCa, testPkiSettings } from './testing-pki.js';

export const silentLogger: TLogger = {
  info: () => {},
  warn: () => {},
  error: (message, fields) => { if (process.env.VARCO_TEST_LOG) console.error(message, fields); },
};

export const TEST_CONFIG: TAppConfig = {
  publicUrl: null,
  trustProxy: false,
  session: { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3_600_000 },
  loginThrottle: { maxFailuresPerAccount: 5, maxFailuresPerIp: 1000, windowSeconds: 900 },
  directory: null,
  slaHours: { vpn: 24, laptop: 72 },
  hrConfirmsVpn: false,
};

export interface TTestApp {
  app: ReturnType<typeof createApp>;
  database: Database;
  producer: TProducer;
  /** The PKI settings the app and workers got (passphrase, data dir), when asked for. */
  pki: TPkiSettings | null;
  /** A request as a browser on the console's origin would send it, with the session cookie if given. */
  call(method: string, path: string, options?: { session?: TTestSession; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  login(username: string, password?: string): Promise<TTestSession>;
  close(): Promise<void>;
}

export interface TTestSession {
  cookie: string;
  csrfToken: string;
  me: { id: string; employeeId: string | null; roles: string[] };
}

const ORIGIN = 'http://varco.test';

/** The real API over a fresh, seeded database, a real Redis (own key prefix) and, when asked, real workers. */
export async function startTestApp(params: {
  kind: TTestDbKind;
  withWorkers?: boolean;
  config?: Partial<TAppConfig>;
  /** PKI settings for the API and the workers (a random passphrase, a temp data dir); `createCa`: an active CA + CRL. */
  pki?: { createCa?: boolean; settings?: Partial<TPkiSettings> };
}): Promise<TTestApp> {
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (run the suite with `npm test`)');
  const database = await openTestDatabase(params.kind);
  await seedDemoData(database.db);
  const pki = params.pki ? await testPkiSettings(params.pki.settings) : (params.config?.pki ?? null);
  if (params.pki?.createCa && pki) await createTestCa(database.db, pki);
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  const producer = createProducer(redisUrl, { prefix });
  let workers: TWorkers | null = null;
  if (params.withWorkers) {
    workers = await startWorkers({ db: database.db, redisUrl, prefix, logger: silentLogger, directorySync: params.config?.directorySync ?? null, pki });
  }
  const app = createApp({
    db: database.db,
    producer,
    logger: silentLogger,
    config: { ...TEST_CONFIG, ...params.config, pki },
    pingDatabase: () => database.ping(),
  });

  const call: TTestApp['call'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.session) {
      headers.cookie = options.session.cookie;
      headers['x-csrf-token'] ??= options.session.csrfToken;
    }
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    return Promise.resolve(app.request(`${ORIGIN}${path}`, { method, headers, body }));
  };

  const login: TTestApp['login'] = async (username, password = 'demo-varco-2026') => {
    const res = await call('POST', '/api/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} → ${res.status} ${await res.text()}`);
    const me = (await res.json()) as TTestSession['me'] & { csrfToken: string };
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrfToken: me.csrfToken, me };
  };

  return {
    app,
    database,
    producer,
    pki,
    call,
    login,
    async close() {
      await workers?.close();
      await producer.close();
      await database.close();
    },
  };
}
