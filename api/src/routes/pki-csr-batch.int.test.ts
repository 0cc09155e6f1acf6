import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { schema } from '@varco/db';
import { QUEUES } from '@varco/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TJobContext } from '../../../workers/src/define-job.js';
import { handleSignCsrs } from '../../../workers/src/jobs/pki/issue-station-certificate.handler.js';
import { CSR_BATCH } from '../../../workers/src/jobs/pki/sign-csrs.js';
import { buildTestCsr, csrPem, ecKeyPair } from '../../../workers/src/pki/testing/fixtures.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, openssl, relay, requestCertificate, scratchDir, someEmployees } from './pki-testing.js';

interface TSignResult {
  issued: { certificateId: string; serialHex: string }[];
  failed: { certificateId: string; code: string }[];
  skipped: number;
}

/**
 * CSR flow in batches: each request's outbox row names its certificate; the relay packs up to CSR_BATCH of them into one
 * `pki.sign-csrs` job, which signs them in one transaction. Real PostgreSQL (row locks) and Redis (the packed jobs);
 * no workers run: the test plays the jobs itself, as BullMQ would call them, so it decides what runs when.
 */
describe('CSR issuance in batches', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  let employees: string[];
  let used = 0;

  const context = (jobId: string): TJobContext => ({
    db: t.database.db,
    jobId,
    attemptsMade: 0,
    progress: async () => {},
    mailer: null as never,
    publicUrl: null,
    directorySync: null,
    pki: t.pki,
  });
  const sign = (certificateIds: string[]) => handleSignCsrs({ certificateIds }, context(`test-${certificateIds[0]}`)) as Promise<TSignResult>;
  async function requestMany(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (const employeeId of employees.slice(used, used + n)) {
      const csr = csrPem(buildTestCsr({ ...ecKeyPair('P-256'), commonName: 'ignored' }));
      ids.push((await requestCertificate(t, hotline, { employeeId, flow: 'csr', csrPem: csr })).certificate.id);
    }
    used += n;
    return ids;
  }
  const rows = (ids: string[]) => t.database.db.select().from(schema.certificates).where(inArray(schema.certificates.id, ids));
  const issueAudits = (ids: string[]) =>
    t.database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'certificate.issue'), inArray(schema.auditLog.targetId, ids)));
  const pkiQueue = () => t.producer.queues().find((queue) => queue.name === QUEUES.pki)!;
  /** The packed jobs waiting in Redis, as the relay left them; taken out so the next test starts from an empty queue. */
  async function takeQueuedJobs() {
    const jobs = await pkiQueue().getWaiting();
    await pkiQueue().drain();
    return jobs.map((job) => ({ id: job.id!, name: job.name, certificateIds: (job.data as { certificateIds: string[] }).certificateIds }));
  }

  beforeAll(async () => {
    t = await startTestApp({ kind: 'postgres', pki: { createCa: true } });
    hotline = await t.login('hotline');
    dir = await scratchDir('pki-csr-batch-');
    employees = await someEmployees(t, 90);
  });
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  it('the relay packs the requests into one job; it signs every row once, and a second delivery signs nothing', async () => {
    await takeQueuedJobs();
    const ids = await requestMany(6);
    expect(await relay(t)).toBe(6);
    const jobs = await takeQueuedJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ name: 'pki.sign-csrs', certificateIds: ids });

    const first = await sign(jobs[0]!.certificateIds);
    expect(first.issued.map((one) => one.certificateId).sort()).toEqual([...ids].sort());
    expect(first).toMatchObject({ failed: [], skipped: 0 });
    const issued = await rows(ids);
    expect(issued.map((row) => row.status)).toEqual(ids.map(() => 'issued'));
    expect(new Set(issued.map((row) => row.serialHex)).size).toBe(6);
    for (const row of issued) {
      expect(row.bundleOvpn).toContain('<cert>');
      expect(row.bundleOtpSealed).toBeNull();
    }
    expect(await sign(ids)).toEqual({ issued: [], failed: [], skipped: 6 });
    expect((await issueAudits(ids)).map((audit) => audit.targetId).sort()).toEqual([...ids].sort());

    const caFile = join(dir.path, 'ca.pem');
    await writeFile(caFile, (await activeCa(t)).certificatePem);
    for (const row of issued) {
      const file = join(dir.path, `${row.id}.pem`);
      await writeFile(file, row.certificatePem!);
      const verified = await openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', caFile, file]);
      expect(verified.stdout + verified.stderr).toContain(': OK');
      expect((await openssl(['x509', '-in', file, '-noout', '-subject'])).stdout).toContain(row.employeeId!);
    }
  });

  it(`packs at most ${CSR_BATCH} requests to a job, in request order`, async () => {
    await takeQueuedJobs();
    const ids = await requestMany(CSR_BATCH + 6);
    expect(await relay(t)).toBe(CSR_BATCH + 6);
    const jobs = await takeQueuedJobs();
    expect(jobs.map((job) => job.certificateIds.length).sort((a, b) => b - a)).toEqual([CSR_BATCH, 6]);
    expect(jobs.flatMap((job) => job.certificateIds).sort()).toEqual([...ids].sort());
    expect(new Set(jobs.map((job) => job.id)).size).toBe(2);
    const results = await Promise.all(jobs.map((job) => sign(job.certificateIds)));
    expect(results.reduce((sum, result) => sum + result.issued.length, 0)).toBe(CSR_BATCH + 6);
    expect((await rows(ids)).every((row) => row.status === 'issued')).toBe(true);
  });

  it('two deliveries of overlapping lists at once sign each row exactly once', async () => {
    const ids = await requestMany(8);
    await takeQueuedJobs();
    const [a, b] = await Promise.all([sign(ids.slice(0, 6)), sign(ids.slice(2))]);
    const signedIds = [...a.issued, ...b.issued].map((one) => one.certificateId);
    expect(signedIds.sort()).toEqual([...ids].sort());
    expect(a.skipped + b.skipped).toBe(4);
    const issued = await rows(ids);
    expect(issued.every((row) => row.status === 'issued')).toBe(true);
    expect(new Set(issued.map((row) => row.serialHex)).size).toBe(8);
    expect((await issueAudits(ids)).map((audit) => audit.targetId).sort()).toEqual([...ids].sort());
  });

  it('a row that fails its re-check fails with its reason; the other rows of the job are issued', async () => {
    const ids = await requestMany(3);
    await takeQueuedJobs();
    // The row is input too: a CSR changed in the database after the API checked it is refused by the worker.
    const tampered = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAAAAAA\n-----END CERTIFICATE REQUEST-----\n';
    await t.database.db.update(schema.certificates).set({ csrPem: tampered }).where(eq(schema.certificates.id, ids[1]!));
    const result = await sign(ids);
    expect(result.issued.map((one) => one.certificateId).sort()).toEqual([ids[0]!, ids[2]!].sort());
    expect(result.failed).toEqual([{ certificateId: ids[1], code: 'csr_malformed' }]);
    const after = await rows(ids);
    const byId = new Map(after.map((row) => [row.id, row]));
    expect(byId.get(ids[1]!)).toMatchObject({ status: 'failed', serialHex: null, failureCode: 'csr_malformed' });
    expect(byId.get(ids[1]!)!.failure).toMatch(/^The CSR is not acceptable/);
    expect(await issueAudits([ids[1]!])).toHaveLength(0);
  });
});
