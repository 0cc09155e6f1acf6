import { and, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZCertificate, ZIssueCertificateResponse } from '../contract/pki.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { relay, requestCertificate, someEmployees, waitForCertificate } from './pki-testing.js';

async function waitForJobRun(t: TTestApp, jobName: string, key?: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await relay(t);
    const runs = await t.database.db
      .select()
      .from(schema.jobRuns)
      .where(and(eq(schema.jobRuns.jobName, jobName), eq(schema.jobRuns.status, 'succeeded'), key ? eq(schema.jobRuns.key, key) : undefined));
    if (runs.length) return runs;
    if (Date.now() > deadline) throw new Error(`${jobName} did not run`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('renewal and expiry', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let employees: string[];

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    hotline = await t.login('hotline');
    employees = await someEmployees(t, 3);
  });
  afterAll(() => t?.close());

  async function issued(employeeId: string) {
    const answer = await requestCertificate(t, hotline, { employeeId, flow: 'server-key' });
    return waitForCertificate(t, hotline, answer.certificate.id);
  }

  it('renew = a new certificate for the same station; the old one is revoked (superseded) once the new one is installed', async () => {
    const old = await issued(employees[0]!);
    const res = await t.call('POST', `/api/pki/certificates/${old.id}/renew`, { session: hotline, body: { flow: 'server-key' } });
    expect(res.status).toBe(201);
    const renewal = ZIssueCertificateResponse.parse(await res.json());
    expect(renewal.oneTimePassword).not.toBeNull();
    expect(renewal.certificate).toMatchObject({ supersedesId: old.id, commonName: old.commonName });
    const twice = ZIssueCertificateResponse.parse(await (await t.call('POST', `/api/pki/certificates/${old.id}/renew`, { session: hotline, body: { flow: 'server-key' } })).json());
    expect(twice).toMatchObject({ replayed: true, certificate: { id: renewal.certificate.id } });
    const fresh = await waitForCertificate(t, hotline, renewal.certificate.id);
    expect(ZCertificate.parse(await (await t.call('GET', `/api/pki/certificates/${old.id}`, { session: hotline })).json()).state).toBe('active');
    expect((await t.call('POST', `/api/pki/certificates/${fresh.id}/installed`, { session: hotline, body: {} })).status).toBe(200);
    const retired = await waitForCertificate(t, hotline, old.id, (c) => c.state === 'revoked');
    expect(retired.revocationReason).toBe('superseded');
  });

  it('the daily job retires renewals past their deadline and queues one reminder per expiring certificate', async () => {
    const old = await issued(employees[1]!);
    const renewal = ZIssueCertificateResponse.parse(await (await t.call('POST', `/api/pki/certificates/${old.id}/renew`, { session: hotline, body: { flow: 'server-key' } })).json());
    await waitForCertificate(t, hotline, renewal.certificate.id);
    await t.database.db.update(schema.certificates).set({ supersedeDeadline: new Date(Date.now() - 60_000) }).where(eq(schema.certificates.id, renewal.certificate.id));
    const expiring = await issued(employees[2]!);
    await t.database.db.update(schema.certificates).set({ notAfter: new Date(Date.now() + 5 * 86_400_000) }).where(eq(schema.certificates.id, expiring.id));

    await t.producer.enqueue('pki.daily-maintenance', { trigger: 'schedule' }, { jobId: 'daily-test-1' });
    const [run] = await waitForJobRun(t, 'pki.daily-maintenance', 'daily-test-1');
    expect(run!.result).toMatchObject({ retired: 1, reminders: 1 });
    expect((await waitForCertificate(t, hotline, old.id, (c) => c.state === 'revoked')).revocationReason).toBe('superseded');
    const listed = await (await t.call('GET', '/api/pki/certificates?state=expiring&expiringDays=30', { session: hotline })).json();
    expect((listed as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([expiring.id]);
    const reminders = await waitForJobRun(t, 'pki.expiry-reminder');
    expect(reminders[0]!.result).toMatchObject({ skipped: expect.stringMatching(/smtp|e-mail/) });

    // A second pass finds nothing new: each certificate is reminded once.
    await t.producer.enqueue('pki.daily-maintenance', { trigger: 'schedule' }, { jobId: 'daily-test-2' });
    const [second] = await waitForJobRun(t, 'pki.daily-maintenance', 'daily-test-2');
    expect(second!.result).toMatchObject({ retired: 0, reminders: 0 });
  });
});
