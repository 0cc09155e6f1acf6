import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { readCaPassphrase } from '@varco/workers/pki-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIssueStationCertificate } from '../../../workers/src/jobs/pki/issue-station-certificate.handler.js';
import { createMailer } from '../../../workers/src/mail/mailer.js';
import { createApp } from '../app.js';
import { ZError } from '../contract/common.js';
import { ZPkiStatus } from '../contract/pki.js';
import { silentLogger, startTestApp, TEST_CONFIG, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, fetchPublic, openssl, requestCertificate, scratchDir, someEmployees, waitForCertificate, waitForCrlNumberAbove, relay } from './pki-testing.js';

describe('PKI status, refusal to run without the right passphrase, CRL guard against restores', () => {
  let t: TTestApp;
  let admin: TTestSession;
  let hotline: TTestSession;
  let dir: Awaited<ReturnType<typeof scratchDir>>;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    [admin, hotline] = [await t.login('admin'), await t.login('hotline')];
    dir = await scratchDir('pki-admin-');
  });
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  /** The same database and sessions, served by an app whose PKI settings differ (as another process would). */
  function appWith(pki: Parameters<typeof createApp>[0]['config']['pki']) {
    const app = createApp({ db: t.database.db, producer: t.producer, logger: silentLogger, config: { ...TEST_CONFIG, pki }, pingDatabase: async () => {} });
    return (method: string, path: string, session: TTestSession, body?: unknown) =>
      app.request(`http://varco.test${path}`, {
        method,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
  }

  it('reports the CA and a fresh CRL', async () => {
    const status = ZPkiStatus.parse(await (await t.call('GET', '/api/pki/status', { session: admin })).json());
    expect(status).toMatchObject({ ready: true, problem: null, crlHealth: 'ok', ca: { keyType: 'ec-p384', imported: false }, crl: { crlNumber: '1', revokedCount: 0 } });
    expect(status.crl!.hoursLeft).toBeGreaterThan(24 * 6.9);
    expect(status.ca!.daysLeft).toBeGreaterThan(3600);
  });

  it('reads the passphrase file: trailing newline cut, empty and missing refused', async () => {
    await writeFile(join(dir.path, 'good'), 'una frase segreta \n');
    await writeFile(join(dir.path, 'empty'), '\n');
    expect(await readCaPassphrase(join(dir.path, 'good'))).toEqual({ passphrase: 'una frase segreta ' });
    expect(await readCaPassphrase(join(dir.path, 'empty'))).toMatchObject({ problem: { code: 'pki_passphrase_empty' } });
    expect(await readCaPassphrase(join(dir.path, 'nope'))).toMatchObject({ problem: { code: 'pki_passphrase_unreadable' } });
    expect(await readCaPassphrase(undefined)).toMatchObject({ problem: { code: 'pki_passphrase_missing' } });
  });

  it('with a missing, empty or wrong passphrase: the status says why, issuance answers 503 and writes nothing', async () => {
    const [employeeId] = await someEmployees(t, 1);
    const [before] = await t.database.db.select({ n: count() }).from(schema.certificates);
    const cases = [
      [{ ...t.pki!, passphrase: 'not the passphrase' }, 'pki_passphrase_wrong'],
      [{ ...t.pki!, passphrase: null, passphraseProblem: { code: 'pki_passphrase_empty' as const, message: 'the CA passphrase file /x is empty' } }, 'pki_passphrase_empty'],
      [null, 'pki_passphrase_missing'],
    ] as const;
    for (const [pki, code] of cases) {
      const call = appWith(pki);
      const status = ZPkiStatus.parse(await (await call('GET', '/api/pki/status', admin)).json());
      expect(status).toMatchObject({ ready: false, problem: { code } });
      const res = await call('POST', '/api/pki/certificates', hotline, { employeeId, flow: 'server-key' });
      expect(res.status).toBe(503);
      expect(ZError.parse(await res.json()).error.code).toBe('pki_unavailable');
    }
    const [after] = await t.database.db.select({ n: count() }).from(schema.certificates);
    expect(after!.n).toBe(before!.n);
  });

  it('a worker with the wrong passphrase refuses the job (UnrecoverableError) and the row says why', async () => {
    const [, employeeId] = await someEmployees(t, 2);
    const answer = await requestCertificate(t, hotline, { employeeId, flow: 'server-key' });
    const ctx = { db: t.database.db, jobId: 'direct', attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null, directorySync: null, pki: { ...t.pki!, passphrase: 'wrong' } };
    await expect(handleIssueStationCertificate({ certificateId: answer.certificate.id }, ctx)).rejects.toBeInstanceOf(UnrecoverableError);
    const failed = await waitForCertificate(t, hotline, answer.certificate.id, (c) => c.state === 'failed');
    expect(failed).toMatchObject({ failureCode: 'pki_unavailable', failure: expect.stringMatching(/passphrase does not open the CA key/) });
    // Retried with the same key once the configuration is right: the row goes back to pending and gets issued.
    const retried = await requestCertificate(t, hotline, { employeeId, flow: 'server-key', issuanceKey: `retry-${employeeId}` });
    expect((await waitForCertificate(t, hotline, retried.certificate.id)).state).toBe('active');
  });

  it('a restored database cannot move the CRL number back nor un-revoke: the guard file and revocation log win', async () => {
    const [, , employeeId] = await someEmployees(t, 3);
    const answer = await requestCertificate(t, hotline, { employeeId, flow: 'server-key' });
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    const ca = await activeCa(t);
    const [state] = await t.database.db.select().from(schema.crlState).where(eq(schema.crlState.caId, ca.id));
    await t.call('POST', `/api/pki/certificates/${issued.id}/revoke`, { session: hotline, body: { reason: 'keyCompromise' } });
    const published = await waitForCrlNumberAbove(t, ca.id, state!.crlNumber);

    // "Restore" yesterday's backup: the certificate is issued again and the CRL number is back where it was.
    await t.database.db.update(schema.certificates).set({ status: 'issued', revokedAt: null, revocationReason: null }).where(eq(schema.certificates.id, issued.id));
    await t.database.db.update(schema.crlState).set({ crlNumber: state!.crlNumber }).where(eq(schema.crlState.caId, ca.id));

    expect((await t.call('POST', '/api/pki/crl/publish', { session: admin, body: {} })).status).toBe(202);
    const next = await waitForCrlNumberAbove(t, ca.id, published);
    expect(next).toBe(published + 1n);
    const [row] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, issued.id));
    expect(row).toMatchObject({ status: 'revoked', revocationReason: 1 });
    const crl = await fetchPublic(t, '/pki/crl.pem', dir.path, 'restored-crl.pem');
    expect((await openssl(['crl', '-in', crl, '-noout', '-text'])).stdout).toContain(issued.serialHex!.toUpperCase());
    await relay(t);
  });
});
