import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { issueCsrBatch, schema, type TCsrClaim } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TJobContext } from '../../../workers/src/define-job.js';
import { handleIssueStationCertificate } from '../../../workers/src/jobs/pki/issue-station-certificate.handler.js';
import { buildTestCsr, csrPem, ecKeyPair } from '../../../workers/src/pki/testing/fixtures.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, openssl, requestCertificate, scratchDir, someEmployees } from './pki-testing.js';

/**
 * CSR flow, opportunistic batching: one job signs the pending CSR rows of its CA in one transaction; the jobs of those
 * rows then find them issued. Real PostgreSQL (row locks, SKIP LOCKED); the handler is called as BullMQ would call it.
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
  const run = (certificateId: string) => handleIssueStationCertificate({ certificateId }, context(`test-${certificateId}`)) as Promise<Record<string, unknown>>;
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

  beforeAll(async () => {
    // No workers: the test plays the jobs itself, so it decides which job runs first.
    t = await startTestApp({ kind: 'postgres', pki: { createCa: true } });
    hotline = await t.login('hotline');
    dir = await scratchDir('pki-csr-batch-');
    employees = await someEmployees(t, 20);
  });
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  it('one job signs every pending CSR row once; the jobs of the other rows return after one read', async () => {
    const ids = await requestMany(6);
    const first = await run(ids[2]!);
    expect(first).toMatchObject({ batch: 6 });
    const issued = await rows(ids);
    expect(issued.map((row) => row.status)).toEqual(ids.map(() => 'issued'));
    expect(new Set(issued.map((row) => row.serialHex)).size).toBe(6);
    for (const row of issued) {
      expect(row.bundleOvpn).toContain('<cert>');
      expect(row.bundleOtpSealed).toBeNull();
    }
    for (const id of ids) expect(await run(id)).toMatchObject({ skipped: 'already issued' });
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

  it('two concurrent batches claim disjoint rows (SKIP LOCKED), and a job waits for its own row instead of skipping it', async () => {
    const ids = await requestMany(8);
    const caId = (await activeCa(t)).id;
    const claims: string[][] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed!: () => void;
    const firstHasClaimed = new Promise<void>((resolve) => (firstClaimed = resolve));
    const record = (claimed: TCsrClaim[]) => claims.push(claimed.map((claim) => claim.certificate.id));
    // The first batch holds its 4 rows (oldest first) while the second claims; both sign nothing, so all stay pending.
    const first = issueCsrBatch(t.database.db, {
      certificateId: ids[0]!,
      caId,
      limit: 4,
      sign: async (claimed) => {
        record(claimed);
        firstClaimed();
        await firstHolds;
        return [];
      },
    });
    await firstHasClaimed;
    const second = await issueCsrBatch(t.database.db, { certificateId: ids[7]!, caId, limit: 4, sign: async (claimed) => (record(claimed), []) });
    releaseFirst();
    await first;
    expect(second).toMatchObject({ claimed: 4, issued: [] });
    expect(claims[0]).toEqual(ids.slice(0, 4));
    expect([...claims[1]!].sort()).toEqual([ids[7]!, ...ids.slice(4, 7)].sort());
    expect((await rows(ids)).every((row) => row.status === 'pending')).toBe(true);

    // Real jobs now, side by side: either one batch takes all 8 and the other job waits for its own row and finds it
    // issued, or each locks its own row first and the batches split the rows; never a row signed twice.
    const results = await Promise.all([run(ids[0]!), run(ids[1]!)]);
    expect(results.reduce((sum, result) => sum + (typeof result.batch === 'number' ? result.batch : 0), 0)).toBe(8);
    for (const result of results) expect(typeof result.batch === 'number' || result.skipped === 'issued by another delivery' || result.skipped === 'already issued').toBe(true);
    const issued = await rows(ids);
    expect(issued.every((row) => row.status === 'issued')).toBe(true);
    expect(new Set(issued.map((row) => row.serialHex)).size).toBe(8);
    expect((await issueAudits(ids)).map((audit) => audit.targetId).sort()).toEqual([...ids].sort());
  });
});
