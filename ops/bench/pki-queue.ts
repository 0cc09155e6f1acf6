/**
 * `npm run bench:pki`, queue part: 682 station bundles (the city's VPN count) end to end as the product issues them —
 * API request (pending row + outbox, untimed) → outbox relay → BullMQ on a real Redis (AOF, as production) → worker
 * job → PostgreSQL — for server-side RSA-2048, server-side EC P-256 and CSR signing, each on a fresh database.
 * Measured side by side in the same run: the raw native key generation at the workers' parallelism and an
 * easy-rsa-style loop (one openssl process per key, request, signature and PKCS#12) on a sample.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { startOutboxRelay, startWorkers } from '@varco/workers';
import { startTestApp, type TTestApp } from '../../api/src/testing.js';
import { generateStationKey, type TCaSigner, type TStationKeyType } from '../../workers/src/pki/index.js';
import { buildTestCsr, csrPem } from '../../workers/src/pki/testing/fixtures.js';
import { startPostgres } from '../src/testing/postgres.js';
import { startRedis } from '../src/testing/redis.js';
import { opensslBundle, prepareOpensslStationCa } from './pki-baselines.js';

/** `-- --count=N` issues fewer (or more) per flow; `-- --flow=csr` runs the CSR flow only (no keygen, no openssl loops). */
const argValue = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
export const STATIONS = Number(argValue('count') ?? 682);
const ONLY_FLOW = argValue('flow');
/** The production default (WORKER_CONCURRENCY): jobs per queue in one worker process. */
export const WORKER_CONCURRENCY = 4;
const OPENSSL_SAMPLE = { 'rsa-2048': 48, 'ec-p256': 80 } as const;
const KEYGEN_SAMPLE = 48;

export interface TQueueFigures {
  rsaPerSecond: number;
  rsaRawKeygenPerSecond: number;
  rsaOpensslPerSecond: number;
  ecPerSecond: number;
  ecOpensslPerSecond: number;
  csrPerSecond: number;
  lines: string[];
}

type TFlow = { name: string; flow: 'server-key'; keyType: TStationKeyType } | { name: string; flow: 'csr' };

/** `n` tasks on `lanes` concurrent lanes; items per second over the wall time. */
async function rate(n: number, lanes: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return (n / (performance.now() - started)) * 1000;
}

/** POSTs one request per employee through the API (4 at a time, like a few operators); returns the rows' ids. */
async function requestAll(t: TTestApp, flow: TFlow, csrs: string[]): Promise<{ ids: string[]; perSecond: number }> {
  const hotline = await t.login('hotline');
  const employees = await t.database.db.select({ id: schema.employees.id }).from(schema.employees).where(eq(schema.employees.active, true)).limit(STATIONS);
  if (employees.length < STATIONS) throw new Error(`the demo has ${employees.length} active employees, fewer than ${STATIONS}`);
  const ids: string[] = [];
  const perSecond = await rate(STATIONS, 4, async (i) => {
    const body = flow.flow === 'csr' ? { employeeId: employees[i]!.id, flow: 'csr', csrPem: csrs[i] } : { employeeId: employees[i]!.id, flow: 'server-key', keyType: flow.keyType };
    const res = await t.call('POST', '/api/pki/certificates', { session: hotline, body });
    if (res.status !== 201) throw new Error(`request ${i}: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { certificate: { id: string } }).certificate.id);
  });
  return { ids, perSecond };
}

interface TProcessCpu {
  pid: number;
  ppid: number;
  /** Own user + system time, and that of its children that exited (waited for), in clock ticks. */
  own: number;
  exitedChildren: number;
  cmdline: string;
}

function processes(): TProcessCpu[] {
  const found: TProcessCpu[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      found.push({ pid: Number(pid), ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), exitedChildren: Number(fields[13]) + Number(fields[14]), cmdline });
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** CPU ms so far of redis-server on `redisPort` and of the PostgreSQL on `postgresPort` with all its backends, live or gone. */
function serverCpuMs(postgresPort: number, redisPort: number): { postgres: number; redis: number } {
  const all = processes();
  const postmaster = all.find((process) => /\/postgres -D /.test(process.cmdline) && process.cmdline.includes(` -p ${postgresPort} `));
  const backends = all.filter((process) => process.ppid === postmaster?.pid);
  const redis = all.find((process) => /(^|\/)redis-server /.test(process.cmdline) && process.cmdline.includes(`:${redisPort}`));
  const postgresTicks = (postmaster ? postmaster.own + postmaster.exitedChildren : 0) + backends.reduce((sum, process) => sum + process.own, 0);
  return { postgres: postgresTicks * 10, redis: (redis?.own ?? 0) * 10 }; // 100 clock ticks per second on Linux
}

/** Where the CPU goes during a run: this process (relay, worker and its key-generation threads), PostgreSQL, Redis. */
function cpuMeter(postgresPort: number, redisPort: number) {
  const read = () => ({ node: process.cpuUsage(), ...serverCpuMs(postgresPort, redisPort) });
  const start = read();
  return (items: number) => {
    const end = read();
    const node = (end.node.user + end.node.system - start.node.user - start.node.system) / 1000;
    const perItem = (ms: number) => (ms / items).toFixed(2);
    return `CPU per bundle: worker process ${perItem(node)} ms (with its key-generation threads), PostgreSQL ${perItem(end.postgres - start.postgres)} ms, Redis ${perItem(end.redis - start.redis)} ms`;
  };
}

/** Relay + workers on the pending rows; the clock runs from the relay's first tick until no row is pending. */
async function drain(t: TTestApp, redisUrl: string, postgresPort: number): Promise<{ seconds: number; issued: number; failed: number; errors: string[]; cpu: string }> {
  const errors: string[] = [];
  const logger = { info: () => {}, warn: () => {}, error: (message: string, fields?: Record<string, unknown>) => void errors.push(`${message} ${JSON.stringify(fields)}`) };
  const workers = await startWorkers({ db: t.database.db, redisUrl, prefix: t.producer.prefix, logger, concurrency: { pki: WORKER_CONCURRENCY }, pki: t.pki });
  const meter = cpuMeter(postgresPort, Number(new URL(redisUrl).port));
  const started = performance.now();
  const relay = startOutboxRelay(t.database.db, t.producer, { intervalMs: 1000, logger });
  const pendingCount = async () => (await t.database.db.select({ n: count() }).from(schema.certificates).where(eq(schema.certificates.status, 'pending')))[0]!.n;
  try {
    while ((await pendingCount()) > 0) await new Promise((resolve) => setTimeout(resolve, 25));
  } finally {
    await relay.stop();
    await workers.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter(STATIONS);
  const byStatus = await t.database.db.select({ status: schema.certificates.status, n: count() }).from(schema.certificates).groupBy(schema.certificates.status);
  const of = (status: string) => byStatus.find((row) => row.status === status)?.n ?? 0;
  return { seconds, issued: of('issued'), failed: of('failed'), errors: errors.slice(0, 3), cpu };
}

async function runFlow(flow: TFlow, servers: { redisUrl: string; postgresPort: number }, log: (line: string) => void): Promise<number> {
  // A fresh, seeded database with its own CA for each flow: one live certificate per station.
  const t = await startTestApp({ kind: 'postgres', pki: { createCa: true } });
  try {
    const csrs = flow.flow === 'csr' ? Array.from({ length: STATIONS }, (_, i) => csrPem(buildTestCsr({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }), commonName: `station-${i}` }))) : [];
    const requested = await requestAll(t, flow, csrs);
    const result = await drain(t, servers.redisUrl, servers.postgresPort);
    const perSecond = result.issued / result.seconds;
    log(`${flow.name}: ${result.issued} issued${result.failed ? `, ${result.failed} FAILED` : ''} in ${result.seconds.toFixed(1)} s = ${perSecond.toFixed(1)}/s through the queue (API accepted the ${STATIONS} requests at ${requested.perSecond.toFixed(0)}/s, untimed)`);
    log(`  ${result.cpu}`);
    for (const error of result.errors) log(`  worker error: ${error}`);
    return perSecond;
  } finally {
    await t.close();
    if (t.pki) await rm(t.pki.dataDir, { recursive: true, force: true });
  }
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const keygenRate = () => rate(KEYGEN_SAMPLE, WORKER_CONCURRENCY, () => generateStationKey('rsa-2048'));

/** Runs the three flows against a Redis and a PostgreSQL of its own, stopped in `finally`. */
export async function benchQueue(ca: TCaSigner, workDir: string, log: (line: string) => void = (line) => console.log(line)): Promise<TQueueFigures> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    log(line);
  };
  const [redis, postgres] = await Promise.all([startRedis({ persistent: true }), startPostgres()]);
  const saved = { redis: process.env.TEST_REDIS_URL, database: process.env.TEST_DATABASE_URL };
  process.env.TEST_REDIS_URL = redis.url; // startTestApp's producer and database come from these
  process.env.TEST_DATABASE_URL = postgres.url;
  try {
    const servers = { redisUrl: redis.url, postgresPort: postgres.port };
    const caDir = prepareOpensslStationCa(workDir, ca);
    const opensslRate = (keyType: TStationKeyType) => rate(OPENSSL_SAMPLE[keyType], WORKER_CONCURRENCY, (i) => opensslBundle(caDir, keyType, 5000 + i));
    say(`Queue: ${STATIONS} bundles per flow, one worker process (concurrency ${WORKER_CONCURRENCY}), Redis AOF, PostgreSQL; openssl loops are samples (n=${OPENSSL_SAMPLE['rsa-2048']} RSA, ${OPENSSL_SAMPLE['ec-p256']} EC) extrapolated to a rate`);
    // Raw keygen before and after the RSA run, and the openssl loop beside it: a noisy phase hits all three.
    if (ONLY_FLOW === 'csr') {
      const csrPerSecond = await runFlow({ name: 'CSR signing (EC P-256 CSRs)', flow: 'csr' }, servers, say);
      return { rsaPerSecond: NaN, rsaRawKeygenPerSecond: NaN, rsaOpensslPerSecond: NaN, ecPerSecond: NaN, ecOpensslPerSecond: NaN, csrPerSecond, lines };
    }
    const keygenBefore = await keygenRate();
    const rsaOpensslPerSecond = await opensslRate('rsa-2048');
    const rsaPerSecond = await runFlow({ name: 'server-side RSA-2048', flow: 'server-key', keyType: 'rsa-2048' }, servers, say);
    const keygenAfter = await keygenRate();
    const rsaRawKeygenPerSecond = (keygenBefore + keygenAfter) / 2;
    say(`raw native RSA-2048 keygen, ${WORKER_CONCURRENCY} at a time: ${keygenBefore.toFixed(1)}/s before, ${keygenAfter.toFixed(1)}/s after the run`);
    say(`easy-rsa-style openssl loop RSA-2048, ${WORKER_CONCURRENCY} lanes: ${rsaOpensslPerSecond.toFixed(1)}/s`);
    const ecOpensslPerSecond = await opensslRate('ec-p256');
    const ecPerSecond = await runFlow({ name: 'server-side EC P-256', flow: 'server-key', keyType: 'ec-p256' }, servers, say);
    say(`easy-rsa-style openssl loop EC P-256, ${WORKER_CONCURRENCY} lanes: ${ecOpensslPerSecond.toFixed(1)}/s`);
    const csrPerSecond = await runFlow({ name: 'CSR signing (EC P-256 CSRs)', flow: 'csr' }, servers, say);
    return { rsaPerSecond, rsaRawKeygenPerSecond, rsaOpensslPerSecond, ecPerSecond, ecOpensslPerSecond, csrPerSecond, lines };
  } finally {
    restoreEnv('TEST_REDIS_URL', saved.redis);
    restoreEnv('TEST_DATABASE_URL', saved.database);
    await Promise.all([redis.stop(), postgres.stop()]);
  }
}
