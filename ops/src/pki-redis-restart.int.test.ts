import { eq } from 'drizzle-orm';
import pg from 'pg';
import { schema } from '@varco/db';
import { QUEUES } from '@varco/workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestCertificate, someEmployees } from '../../api/src/routes/pki-testing.js';
import { startTestApp, type TTestApp, type TTestSession } from '../../api/src/testing.js';
import { expectOneGoodCertificate, waitUntilSettled, workerEnvironment } from './testing/pki-queue-fixture.js';
import { startRedis, type RedisServer } from './testing/redis.js';
import { startWorkerProcess, type TWorkerProcess } from './testing/worker-process.js';

/**
 * Redis restarts (own redis-server with the append-only file, as production requires) while issuance jobs are
 * queued in it, one is running and more requests arrive: a real worker process (`--role=workers`, one job at a
 * time) must reconnect on its own, and every request must end with exactly one certificate.
 *
 * Deterministic without hooks in the product: the test holds row locks on the certificates, so the worker's first
 * job waits in the database and the others stay queued in Redis until the test lets go.
 */
describe('Redis restarted while issuance jobs are queued', () => {
  let redis: RedisServer;
  let t: TTestApp;
  let hotline: TTestSession;
  let worker: Awaited<ReturnType<typeof workerEnvironment>>;
  let workerProcess: TWorkerProcess | undefined;
  let blocker: pg.Client | undefined;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    vi.stubEnv('TEST_REDIS_URL', redis.url); // the test app's producer talks to this Redis, not the shared one
    t = await startTestApp({ kind: 'postgres', pki: { createCa: true } });
    hotline = await t.login('hotline');
    worker = await workerEnvironment(t, redis.url);
  });
  afterAll(async () => {
    await blocker?.end().catch(() => {});
    await workerProcess?.stop();
    await t?.close();
    await worker?.remove();
    await redis?.stop();
    vi.unstubAllEnvs();
  });

  async function waitFor(what: string, check: () => Promise<boolean>) {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; worker log:\n${workerProcess?.log().slice(-3000)}`);
  }

  it('the queued jobs, the running one and the requests made while Redis was down all end with one certificate each', async () => {
    const employees = await someEmployees(t, 6);
    const keyType = (i: number) => (i % 2 === 0 ? 'rsa-2048' : 'ec-p256');
    const before = [];
    for (const [i, employeeId] of employees.slice(0, 4).entries()) {
      before.push({ employeeId, answer: await requestCertificate(t, hotline, { employeeId, flow: 'server-key', keyType: keyType(i) }) });
    }
    const beforeIds = before.map((item) => item.answer.certificate.id);
    blocker = new pg.Client({ connectionString: worker.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select id from certificates where id = any($1) for update', [beforeIds]);

    // WORKER_CONCURRENCY=1: one issuance runs (and waits on its row), the other three stay queued in Redis.
    workerProcess = await startWorkerProcess({ ...worker.env, WORKER_CONCURRENCY: '1', WORKER_STALLED_SECONDS: '30' });
    const pki = t.producer.queues().find((queue) => queue.name === QUEUES.pki)!;
    const issuances = async (state: 'active' | 'waiting') =>
      (state === 'active' ? await pki.getActive() : await pki.getWaiting()).filter((job) => job.name === 'pki.issue-station-certificate');
    await waitFor('one issuance running and three queued', async () => (await issuances('active')).length === 1 && (await issuances('waiting')).length === 3);
    const observer = new pg.Client({ connectionString: worker.databaseUrl });
    await observer.connect();
    await waitFor('the running issuance to wait on its row', async () => {
      const { rows } = await observer.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update "certificates"%'`);
      return rows.length === 1;
    });

    const during: typeof before = [];
    await redis.restart(async () => {
      // The API takes requests without Redis (row + outbox in one transaction); the worker's relay fails to
      // dispatch them, which proves the worker process saw the outage.
      for (const employeeId of employees.slice(4)) {
        during.push({ employeeId, answer: await requestCertificate(t, hotline, { employeeId, flow: 'server-key', keyType: 'rsa-2048' }) });
      }
      const duringIds = during.map((item) => item.answer.certificate.id);
      await waitFor('the relay to fail while Redis is down', async () => {
        const rows = (await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.jobName, 'pki.issue-station-certificate'))).filter((row) =>
          duringIds.includes((row.payload as { certificateId: string }).certificateId),
        );
        return rows.length === 2 && rows.every((row) => row.dispatchedAt === null && row.attempts > 0 && row.lastError !== null);
      });
      await blocker!.query('rollback'); // the running job goes on; its next step needs Redis (progress) and waits
    });
    await observer.end();

    const all = [...before, ...during];
    const rows = await waitUntilSettled(t, all.map((item) => item.answer.certificate.id));
    expect(rows.map((row) => row.status)).toEqual(all.map(() => 'issued'));
    expect(new Set(rows.map((row) => row.serialHex)).size).toBe(all.length);
    for (const item of all) {
      await expectOneGoodCertificate(t, hotline, { employeeId: item.employeeId!, certificateId: item.answer.certificate.id, oneTimePassword: item.answer.oneTimePassword! });
    }
    expect(workerProcess.isRunning()).toBe(true); // the same process: it reconnected on its own
    expect(workerProcess.log()).toContain('outbox dispatch failed');
  }, 180_000);
});
