import { eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { buildTestCsr, csrPem, ecKeyPair } from '../../../workers/src/pki/testing/fixtures.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { requestCertificate, someEmployees, waitForCertificate } from './pki-testing.js';

/**
 * Station certificate commands refused for a precise reason answer that reason's own code (which the console
 * translates), not a generic `conflict`, and change nothing. Real worker, PGlite.
 */
describe('precise codes for refused certificate commands', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let employees: string[];
  const csr = () => csrPem(buildTestCsr({ ...ecKeyPair('P-256'), commonName: 'ignored' }));
  async function refusal(method: 'POST', path: string, body: Record<string, unknown>) {
    const res = await t.call(method, path, { session: hotline, body });
    return { status: res.status, code: ZError.parse(await res.json()).error.code };
  }
  const auditCount = async () => (await t.database.db.select({ id: schema.auditLog.id }).from(schema.auditLog)).length;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    hotline = await t.login('hotline');
    employees = await someEmployees(t, 3);
  });
  afterAll(() => t?.close());

  it('a second certificate for the same station, and a pending one renewed, revoked or installed', async () => {
    const first = await requestCertificate(t, hotline, { employeeId: employees[0], flow: 'csr', csrPem: csr() });
    await waitForCertificate(t, hotline, first.certificate.id);
    const before = await auditCount();
    expect(await refusal('POST', '/api/pki/certificates', { employeeId: employees[0], flow: 'csr', csrPem: csr() })).toEqual({ status: 409, code: 'station_has_certificate' });
    expect(await auditCount()).toBe(before);

    const revoked = await t.call('POST', `/api/pki/certificates/${first.certificate.id}/revoke`, { session: hotline, body: { reason: 'superseded' } });
    expect(revoked.status).toBe(200);
    const afterRevoke = await auditCount();
    expect(await refusal('POST', `/api/pki/certificates/${first.certificate.id}/revoke`, { reason: 'superseded' })).toEqual({ status: 409, code: 'not_revocable' });
    expect(await refusal('POST', `/api/pki/certificates/${first.certificate.id}/renew`, { flow: 'csr', csrPem: csr() })).toEqual({ status: 409, code: 'not_renewable' });
    expect(await refusal('POST', `/api/pki/certificates/${first.certificate.id}/installed`, {})).toEqual({ status: 409, code: 'not_installable' });
    expect(await auditCount()).toBe(afterRevoke);
    const [row] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, first.certificate.id));
    expect(row).toMatchObject({ status: 'revoked', revocationReason: 4, installedAt: null }); // RFC 5280: superseded (4)
  });

  it('an inactive employee gets no certificate, and a failed one has no bundle', async () => {
    await t.database.db.update(schema.employees).set({ active: false }).where(eq(schema.employees.id, employees[1]!));
    expect(await refusal('POST', '/api/pki/certificates', { employeeId: employees[1], flow: 'csr', csrPem: csr() })).toEqual({ status: 422, code: 'employee_inactive' });
    expect(await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.employeeId, employees[1]!))).toHaveLength(0);

    const failing = await requestCertificate(t, hotline, { employeeId: employees[2], flow: 'csr', csrPem: csr() });
    // The row is input too: a CSR broken in the database after the API checked it fails in the worker.
    await t.database.db.update(schema.certificates).set({ csrPem: 'broken' }).where(eq(schema.certificates.id, failing.certificate.id));
    expect(await waitForCertificate(t, hotline, failing.certificate.id)).toMatchObject({ state: 'failed', failureCode: 'csr_malformed', failure: expect.stringMatching(/^The CSR is not acceptable/) });
    expect(await refusal('POST', `/api/pki/certificates/${failing.certificate.id}/bundle`, {})).toEqual({ status: 409, code: 'bundle_not_ready' });
  });
});
