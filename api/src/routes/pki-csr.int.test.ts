import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { count } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestCsr, csrPem, ecKeyPair } from '../../../workers/src/pki/testing/fixtures.js';
import { ZError } from '../contract/common.js';
import { ZCertificateBundle } from '../contract/pki.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { openssl, requestCertificate, scratchDir, someEmployees, waitForCertificate } from './pki-testing.js';

/** The CSR flow: refusals are immediate, precise and write nothing; a good CSR is signed by the worker. */
describe('CSR flow', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  let employeeId: string;

  async function opensslCsr(name: string, args: string[]): Promise<string> {
    const out = join(dir.path, `${name}.csr`);
    const made = await openssl(['req', '-new', '-nodes', '-keyout', join(dir.path, `${name}.key`), '-out', out, '-subj', '/CN=whatever-the-station-wants', ...args]);
    if (made.code !== 0) throw new Error(made.stderr);
    return readFile(out, 'utf8');
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const totals = async () => {
    const [certificates] = await t.database.db.select({ n: count() }).from(schema.certificates);
    const [outbox] = await t.database.db.select({ n: count() }).from(schema.outbox);
    const [audit] = await t.database.db.select({ n: count() }).from(schema.auditLog);
    return { certificates: certificates!.n, outbox: outbox!.n, audit: audit!.n };
  };

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    hotline = await t.login('hotline');
    dir = await scratchDir('pki-csr-api-');
    employeeId = (await someEmployees(t, 1))[0]!;
  });
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  it('refuses every bad CSR with its own code, writes nothing, and the worker keeps working', async () => {
    const good = await opensslCsr('good', ec);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ed = generateKeyPairSync('ed25519');
    const k1 = ecKeyPair('secp256k1');
    const p256 = ecKeyPair('P-256');
    const privateKeyPem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const certificatePem = await (await t.call('GET', '/pki/ca.pem')).text();
    const catalogue: [string, string, number, string][] = [
      ['empty', '', 422, 'csr_empty'],
      ['not PEM', 'hello, I am a CSR', 422, 'csr_malformed'],
      ['a certificate (wrong PEM label)', certificatePem, 422, 'csr_not_a_csr'],
      ['a private key', privateKeyPem, 422, 'csr_not_a_csr'],
      ['truncated', good.slice(0, good.length - 80), 422, 'csr_malformed'],
      ['trailing garbage', `${good}up /bin/sh\n`, 422, 'csr_malformed'],
      ['a bad signature', csrPem(buildTestCsr({ ...p256, tamper: true })), 422, 'csr_bad_signature'],
      ['RSA-1024', csrPem(buildTestCsr(rsa)), 422, 'csr_key_too_small'],
      ['an unsupported curve (secp256k1)', csrPem(buildTestCsr(k1)), 422, 'csr_key_unsupported'],
      ['an unsupported algorithm (Ed25519)', csrPem(buildTestCsr({ ...ed, hash: null })), 422, 'csr_key_unsupported'],
      ['a SHA-1 signature', csrPem(buildTestCsr({ ...p256, hash: 'sha1' })), 422, 'csr_weak_signature'],
      ['oversized', `${good}${' '.repeat(20_000)}`, 413, 'csr_too_large'],
      ['CA:true', await opensslCsr('ca', [...ec, '-addext', 'basicConstraints=critical,CA:TRUE']), 422, 'csr_requests_ca'],
      ['serverAuth', await opensslCsr('eku', [...ec, '-addext', 'extendedKeyUsage=serverAuth']), 422, 'csr_requests_usage'],
      ['extra SANs', await opensslCsr('san', [...ec, '-addext', 'subjectAltName=DNS:intranet.comune.prato.it,DNS:*.prato.it']), 422, 'csr_requests_names'],
    ];
    const before = await totals();
    for (const [name, csr, status, code] of catalogue) {
      const res = await t.call('POST', '/api/pki/certificates', { session: hotline, body: { employeeId, flow: 'csr', csrPem: csr } });
      expect(res.status, name).toBe(status);
      expect(ZError.parse(await res.json()).error.code, name).toBe(code);
    }
    expect(await totals()).toEqual(before);
    const missing = await t.call('POST', '/api/pki/certificates', { session: hotline, body: { employeeId, flow: 'csr' } });
    expect(ZError.parse(await missing.json()).error.code).toBe('csr_empty');

    // Still alive: the good CSR is signed by the same worker.
    const answer = await requestCertificate(t, hotline, { employeeId, flow: 'csr', csrPem: good });
    expect(answer.oneTimePassword).toBeNull();
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    expect(issued).toMatchObject({ state: 'active', keyType: 'ec-p256', bundle: 'reusable' });
  });

  it('takes only the public key from the CSR: subject from the database; the bundle has no key and can be fetched again', async () => {
    const [holder] = await someEmployees(t, 2).then((ids) => ids.slice(1));
    const csr = await opensslCsr('subject', ec);
    const answer = await requestCertificate(t, hotline, { employeeId: holder, flow: 'csr', csrPem: csr });
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    for (let i = 0; i < 2; i++) {
      const res = await t.call('POST', `/api/pki/certificates/${issued.id}/bundle`, { session: hotline, body: {} });
      expect(res.status).toBe(200);
      const bundle = ZCertificateBundle.parse(await res.json());
      expect(bundle).toMatchObject({ flow: 'csr', pkcs12Base64: null });
      expect(bundle.ovpn).toContain('<cert>');
      expect(bundle.ovpn).toMatch(/^key station\.key$/m);
      expect(bundle.ovpn).not.toContain('PRIVATE KEY');
      const text = (await openssl(['x509', '-noout', '-subject', '-pubkey'], { input: bundle.certificatePem })).stdout;
      expect(text).toContain(holder);
      expect(text).not.toContain('whatever-the-station-wants');
      const csrKey = (await openssl(['req', '-noout', '-pubkey'], { input: csr })).stdout;
      expect(text).toContain(csrKey.trim());
    }
  });
});
