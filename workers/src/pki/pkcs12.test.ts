import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueStationCertificate } from './certificate.js';
import { children, content, readOid, readRoot, readSmallInteger, sequenceOf } from './der-reader.js';
import { MissingPassphraseError, PasswordTooShortError, PkiError, PkiInputError } from './errors.js';
import type { TCaSigner } from './issuer.js';
import { OID } from './oids.js';
import { buildPkcs12, generateOneTimePassword, PKCS12_DEFAULT_ITERATIONS, type TBuildPkcs12Params } from './pkcs12.js';
import { generateSerial } from './serial.js';
import { ecKeyPair, spkiOf, testCa } from './testing/fixtures.js';

let ca: TCaSigner;
let params: TBuildPkcs12Params;
beforeAll(async () => {
  ca = await testCa('ec-p384');
  const key = ecKeyPair('P-256');
  const issued = issueStationCertificate({
    ca,
    subjectPublicKeyDer: spkiOf(key.publicKey),
    subject: { commonName: 'emp_7' },
    serialHex: generateSerial().hex,
    notBefore: new Date(),
    validityDays: 30,
  });
  params = { privateKey: key.privateKey, certificatePem: issued.certificatePem, caChainPem: ca.certificatePem, friendlyName: 'emp_7 station', password: generateOneTimePassword() };
});

describe('buildPkcs12', () => {
  it('writes a v3 PFX: encrypted certificates, a shrouded key, a SHA-256 MAC', async () => {
    const pfx = await buildPkcs12(params);
    const [version, authSafe, macData] = sequenceOf(readRoot(pfx), 'PFX', 3);
    expect(readSmallInteger(version!)).toBe(3);
    expect(readOid(children(authSafe!)[0]!)).toBe(OID.data);
    const [digestInfo, , iterations] = sequenceOf(macData!, 'MacData', 3);
    expect(readOid(children(children(digestInfo!)[0]!)[0]!)).toBe(OID.sha256);
    expect(readSmallInteger(iterations!)).toBe(PKCS12_DEFAULT_ITERATIONS);
    const safes = children(readRoot(content(children(children(authSafe!)[1]!)[0]!)));
    expect(safes.map((safe) => readOid(children(safe)[0]!))).toEqual([OID.encryptedData, OID.data]);
    // Nothing readable inside: neither the certificate DER nor the key appear in clear.
    const certificateDer = new X509Certificate(params.certificatePem).raw;
    expect(pfx.includes(certificateDer.subarray(40, 80))).toBe(false);
    expect(pfx.includes(params.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(-40))).toBe(false);
  });

  it('refuses empty and short passwords', async () => {
    await expect(buildPkcs12({ ...params, password: '' })).rejects.toBeInstanceOf(MissingPassphraseError);
    await expect(buildPkcs12({ ...params, password: 'fifteen-chars-x' })).rejects.toBeInstanceOf(PasswordTooShortError);
  });

  it('refuses a key that does not match, a bad chain, too few iterations', async () => {
    await expect(buildPkcs12({ ...params, privateKey: ecKeyPair('P-256').privateKey })).rejects.toBeInstanceOf(PkiError);
    await expect(buildPkcs12({ ...params, caChainPem: `junk\n${ca.certificatePem}` })).rejects.toBeInstanceOf(PkiInputError);
    await expect(buildPkcs12({ ...params, iterations: 1000 })).rejects.toBeInstanceOf(PkiInputError);
  });
});

describe('generateOneTimePassword', () => {
  it('gives 20 Crockford base32 characters in groups of four (100 bits), all distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const otp = generateOneTimePassword();
      expect(otp).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      seen.add(otp);
    }
    expect(seen.size).toBe(10_000);
  });

  it('uses the whole alphabet evenly enough', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) for (const char of generateOneTimePassword().replace(/-/g, '')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(32);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1_000); // expected 1,250 each
  });
});
