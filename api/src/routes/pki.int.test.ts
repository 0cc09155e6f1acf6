import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZCertificate, ZCertificateBundle, ZCertificatePage } from '../contract/pki.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import {
  activeCa,
  currentCrlNumber,
  fetchPublic,
  openssl,
  relay,
  requestCertificate,
  scratchDir,
  someEmployees,
  waitForCertificate,
  waitForCrlNumberAbove,
} from './pki-testing.js';

/**
 * Station certificates through the real queue: the API writes the pending row + outbox, the relay enqueues, a real
 * worker (BullMQ on the test Redis) signs. Every artefact is checked with openssl.
 */
describe('station certificates through the queue', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  let employees: string[];
  let caFile: string;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    hotline = await t.login('hotline');
    dir = await scratchDir('pki-api-');
    employees = await someEmployees(t, 40);
    caFile = await fetchPublic(t, '/pki/ca.pem', dir.path, 'ca.pem');
  });
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  it('server-key flow: one-time password shown once, a PKCS#12 that opens only with it, downloaded once', async () => {
    const answer = await requestCertificate(t, hotline, { employeeId: employees[0], flow: 'server-key', keyType: 'rsa-2048' });
    expect(answer.oneTimePassword).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(answer.certificate).toMatchObject({ state: 'pending', flow: 'server-key', bundle: 'none' });
    const [pending] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, answer.certificate.id));
    expect(pending!.bundleOtpSealed).toMatch(/^v1\./);
    expect(pending!.bundleOtpSealed).not.toContain(answer.oneTimePassword);

    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    expect(issued).toMatchObject({ state: 'active', progress: 100, bundle: 'available', keyType: 'rsa-2048' });
    expect(issued.serialHex).toMatch(/^(?!00)[0-9a-f]{16,32}$/); // canonical hex: whole bytes, leading zero bytes dropped
    const [row] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, issued.id));
    expect(row!.bundleOtpSealed).toBeNull(); // wiped by the worker
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY'); // the key lives only inside the encrypted PKCS#12

    const res = await t.call('POST', `/api/pki/certificates/${issued.id}/bundle`, { session: hotline, body: {} });
    expect(res.status).toBe(200);
    const bundle = ZCertificateBundle.parse(await res.json());
    expect(bundle.ovpn).toContain('<pkcs12>');
    expect(bundle.ovpn).not.toContain('PRIVATE KEY');
    const p12 = join(dir.path, 'station.p12');
    await writeFile(p12, Buffer.from(bundle.pkcs12Base64!, 'base64'));
    const opened = await openssl(['pkcs12', '-in', p12, '-passin', `pass:${answer.oneTimePassword}`, '-nodes', '-out', join(dir.path, 'opened.pem')]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(await readFile(join(dir.path, 'opened.pem'), 'utf8')).toContain('PRIVATE KEY');
    expect((await openssl(['pkcs12', '-in', p12, '-passin', 'pass:', '-nodes', '-noout'])).code).not.toBe(0);
    expect((await openssl(['pkcs12', '-in', p12, '-passin', 'pass:WRONG-PASS-WORD-0000-0000', '-nodes', '-noout'])).code).not.toBe(0);

    await writeFile(join(dir.path, 'station.pem'), bundle.certificatePem);
    const verified = await openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', caFile, join(dir.path, 'station.pem')]);
    expect(verified.stdout + verified.stderr).toContain(': OK');
    const text = (await openssl(['x509', '-in', join(dir.path, 'station.pem'), '-noout', '-text'])).stdout;
    expect(text).toContain('ecdsa-with-SHA384');
    expect(text).not.toMatch(/sha1With/i);
    expect(text).toMatch(new RegExp(`CN ?= ?${employees[0]}`));
    expect(text).toContain('TLS Web Client Authentication');

    const again = await t.call('POST', `/api/pki/certificates/${issued.id}/bundle`, { session: hotline, body: {} });
    expect(again.status).toBe(410);
    expect(ZError.parse(await again.json()).error).toMatchObject({ code: 'bundle_gone', message: expect.stringMatching(/already downloaded/) });
    const [after] = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.id, issued.id));
    expect(after).toMatchObject({ bundleP12: null, bundleOvpn: null, bundleDownloadedAt: expect.any(Date) });
  });

  it('the same issuance key twice (double click, retried call) makes one certificate and shows the password once', async () => {
    const body = { employeeId: employees[1], flow: 'server-key', issuanceKey: `test-double-${employees[1]}` };
    const [first, second] = await Promise.all([t.call('POST', '/api/pki/certificates', { session: hotline, body }), t.call('POST', '/api/pki/certificates', { session: hotline, body })]);
    const statuses = [first.status, second.status].sort();
    // Either the second waited for the first (200, replayed) or lost the race on the unique key (409): never two rows.
    expect([[200, 201], [201, 409]]).toContainEqual(statuses);
    const third = await requestCertificate(t, hotline, body, 200);
    expect(third).toMatchObject({ replayed: true, oneTimePassword: null });
    const [rows] = await t.database.db.select({ n: count() }).from(schema.certificates).where(eq(schema.certificates.issuanceKey, body.issuanceKey));
    expect(rows!.n).toBe(1);
    await waitForCertificate(t, hotline, third.certificate.id);
  });

  it('duplicated and re-delivered jobs never issue twice: one serial per certificate', async () => {
    const answer = await requestCertificate(t, hotline, { employeeId: employees[2], flow: 'server-key' });
    // Three extra jobs for the same row, under other job ids (what a second relay or a replayed outbox would do).
    await Promise.all(['dup-a', 'dup-b', 'dup-c'].map((jobId) => t.producer.enqueue('pki.issue-station-certificate', { certificateId: answer.certificate.id }, { jobId: `${jobId}-${answer.certificate.id}` })));
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the duplicates finish
    await t.producer.enqueue('pki.issue-station-certificate', { certificateId: issued.id }, { jobId: `late-${issued.id}` });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rows = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.employeeId, employees[2]!));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.serialHex).toBe(issued.serialHex);
    const audits = await t.database.db.select({ n: count() }).from(schema.auditLog).where(and(eq(schema.auditLog.action, 'certificate.issue'), eq(schema.auditLog.targetId, issued.id)));
    expect(audits[0]!.n).toBe(1);
  });

  it('serials are positive and unique across many issuances', async () => {
    const answers = [];
    for (const employeeId of employees.slice(3, 28)) answers.push(await requestCertificate(t, hotline, { employeeId, flow: 'server-key' }));
    const issued = await Promise.all(answers.map((answer) => waitForCertificate(t, hotline, answer.certificate.id)));
    // Say why when one did not issue (state and failure text), rather than failing later on a null serial.
    expect(issued.filter((c) => c.state === 'failed').map((c) => JSON.stringify(c))).toEqual([]);
    const serials = issued.map((c) => c.serialHex!);
    expect(new Set(serials).size).toBe(serials.length);
    // Canonical hex drops leading zero bytes, so a positive serial may start with 8–f here (its DER then carries a
    // 0x00 sign byte, checked in workers/src/pki/serial.test.ts and by `openssl verify` in the PKI tests).
    for (const serial of serials) {
      expect(serial).toMatch(/^(?!00)[0-9a-f]{16,32}$/); // whole bytes, no leading zero byte
      expect(BigInt(`0x${serial}`) > 2n ** 63n).toBe(true);
    }
  });

  it('revocation: a new CRL at once, with a higher number, that openssl accepts and that lists the certificate', async () => {
    const answer = await requestCertificate(t, hotline, { employeeId: employees[30], flow: 'server-key' });
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    const bundle = ZCertificateBundle.parse(await (await t.call('POST', `/api/pki/certificates/${issued.id}/bundle`, { session: hotline, body: {} })).json());
    const certFile = join(dir.path, 'revoked.pem');
    await writeFile(certFile, bundle.certificatePem);
    const ca = await activeCa(t);
    const before = await currentCrlNumber(t, ca.id);

    const res = await t.call('POST', `/api/pki/certificates/${issued.id}/revoke`, { session: hotline, body: { reason: 'keyCompromise', comment: 'laptop stolen' } });
    expect(res.status).toBe(200);
    expect(ZCertificate.parse(await res.json())).toMatchObject({ state: 'revoked', revocationReason: 'keyCompromise' });
    const after = await waitForCrlNumberAbove(t, ca.id, before);
    expect(after).toBe(before + 1n);

    const crlPem = await fetchPublic(t, '/pki/crl.pem', dir.path, 'crl.pem');
    const crlDer = await fetchPublic(t, '/pki/crl.der', dir.path, 'crl.der');
    const checked = await openssl(['crl', '-in', crlPem, '-CAfile', caFile, '-noout', '-verify']);
    expect(checked.stdout + checked.stderr).toMatch(/verify OK/);
    expect((await openssl(['crl', '-in', crlDer, '-inform', 'DER', '-CAfile', caFile, '-noout', '-verify'])).code).toBe(0);
    const text = (await openssl(['crl', '-in', crlPem, '-noout', '-text'])).stdout;
    expect(text).toMatch(new RegExp(`X509v3 CRL Number: \\n\\s*${after}\\b`));
    expect(text).toContain(issued.serialHex!.toUpperCase());
    expect(text).toContain('Key Compromise');
    expect(text).not.toMatch(/sha1With/i);
    const verify = await openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlPem, certFile]);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout + verify.stderr).toContain('certificate revoked');

    const twice = await t.call('POST', `/api/pki/certificates/${issued.id}/revoke`, { session: hotline, body: { reason: 'keyCompromise' } });
    expect(twice.status).toBe(409); // final: nothing to revoke again, no second CRL job
    const audit = await t.database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'certificate.revoke'), eq(schema.auditLog.targetId, issued.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ reason: 'keyCompromise', comment: 'laptop stolen' });
  });

  it('lists by state and finds by serial, station or employee', async () => {
    await relay(t);
    const revoked = ZCertificatePage.parse(await (await t.call('GET', '/api/pki/certificates?state=revoked', { session: hotline })).json());
    expect(revoked.items.length).toBeGreaterThan(0);
    expect(revoked.items.every((c) => c.state === 'revoked')).toBe(true);
    const active = ZCertificatePage.parse(await (await t.call('GET', '/api/pki/certificates?state=active&pageSize=200', { session: hotline })).json());
    const one = active.items[0]!;
    const bySerial = ZCertificatePage.parse(await (await t.call('GET', `/api/pki/certificates?q=${one.serialHex!.slice(0, 12).toUpperCase()}`, { session: hotline })).json());
    expect(bySerial.items.map((c) => c.id)).toEqual([one.id]);
    const byEmployee = ZCertificatePage.parse(await (await t.call('GET', `/api/pki/certificates?q=${encodeURIComponent(one.employee!.displayName.split(' ').at(-1)!)}`, { session: hotline })).json());
    expect(byEmployee.items.map((c) => c.id)).toContain(one.id);
    // Everything issued today expires in ~2 years: nothing is "expiring" within 30 days, everything within 800.
    expect(ZCertificatePage.parse(await (await t.call('GET', '/api/pki/certificates?state=expiring', { session: hotline })).json()).total).toBe(0);
    expect(ZCertificatePage.parse(await (await t.call('GET', '/api/pki/certificates?state=expiring&expiringDays=365', { session: hotline })).json()).total).toBe(0);
    const employee = await t.login('dipendente');
    expect((await t.call('GET', '/api/pki/certificates', { session: employee })).status).toBe(403);
    expect((await t.call('POST', `/api/pki/certificates/${one.id}/bundle`, { session: await t.login('itmanager'), body: {} })).status).toBe(403);
  });
});
