import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStationCertificate } from './certificate.js';
import { buildCrl, type TRevokedEntry } from './crl.js';
import type { TCaSigner } from './issuer.js';
import { generateStationKey } from './keys.js';
import { generateSerial } from './serial.js';
import { spkiOf, testCa } from './testing/fixtures.js';
import { openssl, scratchDir } from './testing/run.js';

const DAY = 86_400_000;
let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir('pki-crl-');
});
afterAll(() => dir.remove());

async function setUp(name: string, ca: TCaSigner) {
  const caFile = join(dir.path, `${name}-ca.pem`);
  await writeFile(caFile, ca.certificatePem);
  const certificates = [];
  for (let i = 0; i < 3; i++) {
    const { publicKey } = await generateStationKey('ec-p256');
    const issued = issueStationCertificate({ ca, subjectPublicKeyDer: spkiOf(publicKey), subject: { commonName: `emp_${i}` }, serialHex: generateSerial().hex, notBefore: new Date(), validityDays: 30 });
    const file = join(dir.path, `${name}-${i}.pem`);
    await writeFile(file, issued.certificatePem);
    certificates.push({ ...issued, file });
  }
  return { caFile, certificates };
}

describe.each([
  ['rsa', 'rsa-3072'],
  ['ec', 'ec-p384'],
] as const)('CRL from the %s CA', (name, keyType) => {
  it('verifies with openssl, lists the reasons, and revokes exactly the revoked certificates', async () => {
    const ca = await testCa(keyType);
    const { caFile, certificates } = await setUp(name, ca);
    const revoked: TRevokedEntry[] = [
      { serialHex: certificates[0]!.serialHex, revokedAt: new Date(), reason: 'keyCompromise' },
      { serialHex: certificates[1]!.serialHex, revokedAt: new Date(), reason: 'unspecified' },
    ];
    const crl = buildCrl({ ca, crlNumber: 12n, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 7 * DAY), revoked });
    const crlFile = join(dir.path, `${name}-crl.pem`);
    await writeFile(crlFile, crl.pem);
    await writeFile(join(dir.path, `${name}-crl.der`), crl.der);

    const checked = await openssl(['crl', '-in', crlFile, '-noout', '-CAfile', caFile]);
    expect(checked.stderr).toContain('verify OK');
    const der = await openssl(['crl', '-inform', 'DER', '-in', join(dir.path, `${name}-crl.der`), '-noout', '-CAfile', caFile]);
    expect(der.stderr).toContain('verify OK');

    const text = (await openssl(['crl', '-in', crlFile, '-noout', '-text'])).stdout;
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number: \n\s+12\n/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).not.toMatch(/sha1|md5/i);
    const entryOf = (serialHex: string) => text.split('Serial Number: ').find((part) => part.toLowerCase().startsWith(serialHex))!;
    expect(entryOf(certificates[0]!.serialHex)).toMatch(/CRL Reason Code: \n\s+Key Compromise/);
    expect(entryOf(certificates[1]!.serialHex)).not.toContain('CRL Reason Code');

    const verifyWithCrl = (file: string) => openssl(['verify', '-x509_strict', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, file]);
    for (const revokedCertificate of certificates.slice(0, 2)) {
      const result = await verifyWithCrl(revokedCertificate.file);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('certificate revoked');
    }
    expect((await verifyWithCrl(certificates[2]!.file)).stdout).toBe(`${certificates[2]!.file}: OK\n`);
  });
});

describe('CRL edge cases against openssl', () => {
  it('a 10,000-entry CRL verifies and still revokes the right certificate', async () => {
    const ca = await testCa('ec-p384');
    const { caFile, certificates } = await setUp('big', ca);
    const revoked: TRevokedEntry[] = Array.from({ length: 10_000 }, (_, i) => ({
      serialHex: generateSerial().hex,
      revokedAt: new Date(Date.now() - i * 60_000),
      reason: i % 2 ? 'superseded' : 'cessationOfOperation',
    }));
    revoked.push({ serialHex: certificates[0]!.serialHex, revokedAt: new Date(), reason: 'affiliationChanged' });
    const crlFile = join(dir.path, 'big-crl.pem');
    await writeFile(crlFile, buildCrl({ ca, crlNumber: 1000n, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY), revoked }).pem);
    expect((await openssl(['crl', '-in', crlFile, '-noout', '-CAfile', caFile])).stderr).toContain('verify OK');
    const result = await openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, certificates[0]!.file]);
    expect(result.stdout + result.stderr).toContain('certificate revoked');
  });

  it('an expired CRL fails verification for everyone: why it must be re-signed before nextUpdate', async () => {
    const ca = await testCa('ec-p384');
    const { caFile, certificates } = await setUp('expired', ca);
    const crlFile = join(dir.path, 'expired-crl.pem');
    const crl = buildCrl({ ca, crlNumber: 1n, thisUpdate: new Date(Date.now() - 9 * DAY), nextUpdate: new Date(Date.now() - 2 * DAY), revoked: [] });
    await writeFile(crlFile, crl.pem);
    const result = await openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, certificates[2]!.file]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('CRL has expired');
  });
});
