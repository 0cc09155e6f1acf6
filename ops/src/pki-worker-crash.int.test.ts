import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { schema } from '@varco/db';
import { QUEUES } from '@varco/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCertificate, someEmployees } from '../../api/src/routes/pki-testing.js';
import { startTestApp, type TTestApp, type TTestSession } from '../../api/src/testing.js';
import { expectOneGoodCertificate, waitUntilSettled, workerEnvironment } from './testing/pki-queue-fixture.js';
import { startWorkerProcess, type TWorkerProcess } from './testing/worker-process.js';

/**
 * A worker process (the real `--role=workers` host on PostgreSQL and Redis) is killed with SIGKILL while it is in
 * the middle of an issuance, at the worst point: key generated, certificate signed, its row updated in the
 * completion transaction but not committed. A new worker process must end the job with exactly one certificate.
 *
 * "In the middle" is made deterministic without any hook in the product: the test holds a SHARE lock on audit_log,
 * so the completion transaction waits on its audit insert, which the test sees in pg_stat_activity (and the
 * certificate row's xmax = that backend's transaction id proves the row was already written).
 */
describe('a worker process killed in the middle of an issuance', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let worker: Awaited<ReturnType<typeof workerEnvironment>>;
  const processes: TWorkerProcess[] = [];
  let blocker: pg.Client | null = null;
  let observer: pg.Client | null = null;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'postgres', pki: { createCa: true } });
    hotline = await t.login('hotline');
    worker = await workerEnvironment(t, process.env.TEST_REDIS_URL!);
  });
  afterAll(async () => {
    await blocker?.end().catch(() => {});
    await observer?.end().catch(() => {});
    for (const process of processes) await process.stop();
    await t?.close();
    await worker?.remove();
  });

  /**
   * The worker's backend waiting on the audit insert of the completion transaction that updated `certificateId`.
   * Polled outside any transaction: inside one, PostgreSQL keeps serving the first snapshot of pg_stat_activity.
   */
  async function waitForBlockedCompletion(observer: pg.Client, certificateId: string, worker: TWorkerProcess): Promise<number> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const { rows } = await observer.query<{ pid: number }>(
        `select a.pid from pg_stat_activity a, certificates c
          where a.datname = current_database() and a.wait_event_type = 'Lock' and a.query ilike 'insert into "audit_log"%'
            and c.id = $1 and c.xmax::text = a.backend_xid::text`,
        [certificateId],
      );
      if (rows[0]) return rows[0].pid;
      if (Date.now() > deadline) throw new Error(`the worker never reached the completion of the issuance; its log:\n${worker.log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function waitForBackendGone(client: pg.Client, pid: number) {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const { rows } = await client.query('select 1 from pg_stat_activity where pid = $1', [pid]);
      if (rows.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`backend ${pid} of the killed worker is still there`);
  }

  it('SIGKILL during the completion, a new worker process: exactly one certificate, one serial, bundle good', async () => {
    const [employeeId] = await someEmployees(t, 1);
    const answer = await requestCertificate(t, hotline, { employeeId, flow: 'server-key', keyType: 'rsa-2048' });
    const certificateId = answer.certificate.id;

    blocker = new pg.Client({ connectionString: worker.databaseUrl });
    observer = new pg.Client({ connectionString: worker.databaseUrl });
    await Promise.all([blocker.connect(), observer.connect()]);
    await blocker.query('begin');
    await blocker.query('lock table audit_log in share mode');
    const first = await startWorkerProcess(worker.env);
    processes.push(first);
    const backendPid = await waitForBlockedCompletion(observer, certificateId, first);
    const pki = t.producer.queues().find((queue) => queue.name === QUEUES.pki)!;
    const active = await pki.getActive();
    expect(active.map((job) => job.data)).toContainEqual({ certificateId });
    const jobId = active.find((job) => job.data.certificateId === certificateId)!.id!;

    await first.kill();
    expect(first.isRunning()).toBe(false);
    await blocker.query('commit'); // the orphaned backend now finds its client gone and rolls back
    await blocker.end();
    blocker = null;
    await waitForBackendGone(observer, backendPid);

    // The killed attempt left nothing: still pending, no serial, the sealed password still there for the retry.
    const [left] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, certificateId));
    expect(left).toMatchObject({ status: 'pending', serialHex: null, certificatePem: null, bundleP12: null });
    expect(left!.bundleOtpSealed).not.toBeNull();
    expect(await pki.getJobState(jobId)).toBe('active'); // BullMQ still believes the dead worker holds it

    processes.push(await startWorkerProcess(worker.env));
    const [settled] = await waitUntilSettled(t, [certificateId]);
    expect(settled!.status).toBe('issued');
    await expectOneGoodCertificate(t, hotline, { employeeId: employeeId!, certificateId, oneTimePassword: answer.oneTimePassword! });
    const [run] = await t.database.db
      .select()
      .from(schema.jobRuns)
      .where(and(eq(schema.jobRuns.jobName, 'pki.issue-station-certificate'), eq(schema.jobRuns.key, jobId)));
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 }); // the killed run, then the one that finished
    expect(first.log()).not.toContain(answer.oneTimePassword!);
    expect(processes[1]!.log()).not.toContain(answer.oneTimePassword!);
  }, 180_000);
});
