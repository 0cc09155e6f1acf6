import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStationCertificate, type TIssueCertificateParams } from './certificate.js';
import { inspectCsr } from './csr.js';
import type { TCaSigner } from './issuer.js';
import { generateStationKey } from './keys.js';
import { generateSerial } from './serial.js';
import { spkiOf, testCa } from './testing/fixtures.js';
import { openssl, scratchDir } from './testing/run.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
const cas: Record<'rsa' | 'ec', TCaSigner & { file: string }> = {} as never;

beforeAll(async () => {
  dir = await scratchDir('pki-cert-');
  for (const [name, keyType] of [['rsa', 'rsa-3072'], ['ec', 'ec-p384']] as const) {
    const ca = await testCa(keyType);
    const file = join(dir.path, `${name}-ca.pem`);
    await writeFile(file, ca.certificatePem);
    cas[name] = { ...ca, file };
  }
});
afterAll(() => dir.remove());

async function issueToFile(name: string, params: Omit<TIssueCertificateParams, 'serialHex' | 'notBefore' | 'validityDays'>) {
  const issued = issueStationCertificate({ serialHex: generateSerial().hex, notBefore: new Date(), validityDays: 730, ...params });
  const file = join(dir.path, `${name}.pem`);
  await writeFile(file, issued.certificatePem);
  return { ...issued, file };
}

async function expectProfile(file: string, purpose: 'sslclient' | 'sslserver', caFile: string) {
  const verified = await openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile, file]);
  expect(verified.stdout + verified.stderr).toBe(`${file}: OK\n`);
  const text = (await openssl(['x509', '-in', file, '-noout', '-text'])).stdout;
  expect(text).not.toMatch(/sha1|md5/i);
  expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
  expect(text).toMatch(/X509v3 Key Usage: critical\n/);
  const eku = purpose === 'sslclient' ? 'TLS Web Client Authentication' : 'TLS Web Server Authentication';
  expect(text).toMatch(new RegExp(`X509v3 Extended Key Usage: \\n\\s+${eku}\\n`));
  expect(text).toMatch(/X509v3 Subject Key Identifier: \n/);
  expect(text).toMatch(/X509v3 Authority Key Identifier: \n/);
  return text;
}

describe('issued certificates pass openssl verify -x509_strict', () => {
  it('RSA CA + RSA station (server-side key)', async () => {
    const { publicKey } = await generateStationKey('rsa-2048');
    const cert = await issueToFile('rsa-rsa', { ca: cas.rsa, subjectPublicKeyDer: spkiOf(publicKey), subject: { commonName: 'emp_1', serialNumber: 'PC-1' } });
    const text = await expectProfile(cert.file, 'sslclient', cas.rsa.file);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toMatch(/Digital Signature, Key Encipherment\n/);
    // clientAuth only: the same certificate must not pass as a server.
    expect((await openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', cas.rsa.file, cert.file])).code).not.toBe(0);
  });

  it('RSA CA + EC station from an openssl CSR that asks for CA:TRUE, a SAN and serverAuth (all ignored)', async () => {
    const csrFile = join(dir.path, 'station.csr');
    const made = await openssl([
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir.path, 'station.key'),
      '-out', csrFile, '-subj', '/CN=Administrator/O=Evil Corp',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'subjectAltName=DNS:intranet.example', '-addext', 'extendedKeyUsage=serverAuth',
    ]);
    expect(made.code).toBe(0);
    const csr = inspectCsr(await readFile(csrFile, 'utf8'));
    if (!csr.ok) throw new Error(csr.message);
    expect(csr.requestedExtensions).toEqual(expect.arrayContaining(['basicConstraints', 'subjectAltName', 'extKeyUsage']));
    const cert = await issueToFile('rsa-ec-csr', { ca: cas.rsa, subjectPublicKeyDer: csr.publicKeyDer, subject: { commonName: 'emp_2' } });
    const text = await expectProfile(cert.file, 'sslclient', cas.rsa.file);
    expect(text).not.toMatch(/Administrator|Evil Corp|intranet\.example|Subject Alternative Name|CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\n\s+Digital Signature\n/);
    // The certificate carries the station's own key: openssl confirms the pair.
    const certificateKey = await openssl(['x509', '-in', cert.file, '-noout', '-pubkey']);
    const stationKey = await openssl(['pkey', '-in', join(dir.path, 'station.key'), '-pubout']);
    expect(certificateKey.stdout).toBe(stationKey.stdout);
  });

  it('EC P-384 CA + EC station', async () => {
    const { publicKey } = await generateStationKey('ec-p256');
    const cert = await issueToFile('ec-ec', { ca: cas.ec, subjectPublicKeyDer: spkiOf(publicKey), subject: { commonName: 'emp_3' }, sanUri: ['urn:varco:asset:PC-3'] });
    const text = await expectProfile(cert.file, 'sslclient', cas.ec.file);
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA384');
  });

  it.each(['rsa', 'ec'] as const)('%s CA + gateway server certificate passes -purpose sslserver', async (name) => {
    const { publicKey } = await generateStationKey('ec-p256');
    const cert = await issueToFile(`${name}-server`, {
      ca: cas[name],
      subjectPublicKeyDer: spkiOf(publicKey),
      subject: { commonName: 'vpn1.comune.prato.it' },
      sanDns: ['vpn1.comune.prato.it'],
      profile: 'server',
    });
    const text = await expectProfile(cert.file, 'sslserver', cas[name].file);
    expect(text).toContain('DNS:vpn1.comune.prato.it');
  });

  it('the CA certificates themselves pass strict checks as CAs', async () => {
    for (const ca of Object.values(cas)) {
      const result = await openssl(['verify', '-x509_strict', '-check_ss_sig', '-CAfile', ca.file, ca.file]);
      expect(result.stdout).toBe(`${ca.file}: OK\n`);
      const text = (await openssl(['x509', '-in', ca.file, '-noout', '-text'])).stdout;
      expect(text).toMatch(/Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/);
      expect(text).toMatch(/Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
      expect(text).not.toMatch(/sha1|md5/i);
    }
  });
});

describe('5,000 EC certificates', () => {
  it('all verify, with positive serials unique over the batch', async () => {
    const files: string[] = [];
    const serials = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const { publicKey } = await generateStationKey('ec-p256');
      const issued = issueStationCertificate({
        ca: cas.ec,
        subjectPublicKeyDer: spkiOf(publicKey),
        subject: { commonName: `emp_${i}` },
        serialHex: generateSerial().hex,
        notBefore: new Date(),
        validityDays: 730,
      });
      const x509Serial = new X509Certificate(issued.certificateDer).serialNumber.toLowerCase();
      expect(x509Serial).toBe(issued.serialHex);
      serials.add(issued.serialHex);
      const file = join(dir.path, `bulk-${i}.pem`);
      await writeFile(file, issued.certificatePem);
      files.push(file);
    }
    expect(serials.size).toBe(5_000);
    for (let start = 0; start < files.length; start += 1_000) {
      const batch = files.slice(start, start + 1_000);
      const result = await openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', cas.ec.file, ...batch]);
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').filter((line) => line.endsWith(': OK'))).toHaveLength(batch.length);
    }
  }, 120_000);
});
