import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, issueStationCertificate, type TIssueCertificateParams } from './certificate.js';
import { inspectCsr } from './csr.js';
import { PkiError, PkiInputError } from './errors.js';
import { basicConstraints, extendedKeyUsage, KEY_USAGE_BITS, subjectAltName } from './extensions.js';
import type { TCaSigner } from './issuer.js';
import { OID } from './oids.js';
import { generateSerial } from './serial.js';
import { buildTestCsr, ecKeyPair, spkiOf, testCa } from './testing/fixtures.js';
import { extendedKeyUsages, isCaCertificate, keyUsageBits, parseCertificate, subjectKeyId } from './x509-reader.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
let rsaCa: TCaSigner;
let ecCa: TCaSigner;
beforeAll(async () => {
  [rsaCa, ecCa] = await Promise.all([testCa('rsa-3072'), testCa('ec-p384')]);
});

const station = ecKeyPair('P-256');
function issue(overrides: Partial<TIssueCertificateParams> = {}) {
  return issueStationCertificate({
    ca: rsaCa,
    subjectPublicKeyDer: spkiOf(station.publicKey),
    subject: { commonName: 'emp_000123', organizationalUnit: 'Postazioni', serialNumber: 'PC-0042' },
    serialHex: generateSerial().hex,
    notBefore: NOW,
    validityDays: 730,
    ...overrides,
  });
}

describe('station certificate profile', () => {
  it('is CA:FALSE (critical), digitalSignature only for EC keys, EKU clientAuth only, SKI and AKI', () => {
    const issued = issue();
    const parsed = parseCertificate(issued.certificateDer);
    expect(parsed.version).toBe(3);
    expect(isCaCertificate(parsed)).toBe(false);
    expect(parsed.extensions.get(OID.basicConstraints)?.critical).toBe(true);
    expect(parsed.extensions.get(OID.keyUsage)?.critical).toBe(true);
    expect([...keyUsageBits(parsed)!]).toEqual([KEY_USAGE_BITS.digitalSignature]);
    expect(extendedKeyUsages(parsed)).toEqual([OID.clientAuth]);
    expect(subjectKeyId(parsed)).toHaveLength(20);
    expect(parsed.extensions.has(OID.authorityKeyIdentifier)).toBe(true);
    expect(parsed.extensions.has(OID.subjectAltName)).toBe(false);
  });

  it('adds keyEncipherment for RSA station keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const parsed = parseCertificate(issue({ subjectPublicKeyDer: spkiOf(rsa.publicKey) }).certificateDer);
    expect([...keyUsageBits(parsed)!]).toEqual([KEY_USAGE_BITS.digitalSignature, KEY_USAGE_BITS.keyEncipherment]);
  });

  it('signs with sha256WithRSAEncryption under an RSA CA and ecdsa-with-SHA384 under a P-384 CA', () => {
    expect(parseCertificate(issue().certificateDer).signatureOid).toBe(OID.sha256WithRSAEncryption);
    const fromEc = issue({ ca: ecCa });
    expect(parseCertificate(fromEc.certificateDer).signatureOid).toBe(OID.ecdsaWithSHA384);
    const x509 = new X509Certificate(fromEc.certificatePem);
    expect(x509.verify(new X509Certificate(ecCa.certificatePem).publicKey)).toBe(true);
    expect(x509.checkIssued(new X509Certificate(ecCa.certificatePem))).toBe(true);
  });

  it('back-dates notBefore by 5 minutes and ends validityDays after the requested start', () => {
    const issued = issue();
    expect(issued.notBefore.getTime()).toBe(NOW.getTime() - CLOCK_SKEW_MS);
    expect(issued.notAfter.getTime()).toBe(NOW.getTime() + 730 * 86_400_000);
    const x509 = new X509Certificate(issued.certificatePem);
    expect(new Date(x509.validFrom).getTime()).toBe(issued.notBefore.getTime());
    expect(new Date(x509.validTo).getTime()).toBe(issued.notAfter.getTime());
  });

  it('never outlives the CA', () => {
    const caEnd = new Date(new X509Certificate(rsaCa.certificatePem).validTo);
    const issued = issue({ notBefore: new Date(caEnd.getTime() - 10 * 86_400_000), validityDays: 365 });
    expect(issued.notAfter.getTime()).toBe(caEnd.getTime());
  });

  it('takes the serial given, and the subject and SANs from the caller', () => {
    const serial = generateSerial();
    const issued = issue({ serialHex: serial.hex, sanUri: ['urn:varco:asset:PC-0042'] });
    const x509 = new X509Certificate(issued.certificatePem);
    expect(x509.serialNumber.toLowerCase()).toBe(serial.hex);
    expect(issued.serialHex).toBe(serial.hex);
    expect(x509.subject).toBe('OU=Postazioni\nCN=emp_000123\nserialNumber=PC-0042');
    expect(x509.issuer).toBe(new X509Certificate(rsaCa.certificatePem).subject);
    expect(x509.subjectAltName).toBe('URI:urn:varco:asset:PC-0042');
    expect(x509.ca).toBe(false);
  });

  it('ignores everything a CSR asks for: subject, SANs, CA:TRUE, serverAuth', () => {
    const csr = inspectCsr(
      buildTestCsr({
        ...station,
        commonName: 'Administrator',
        extensions: [basicConstraints({ ca: true }), subjectAltName({ dns: ['intranet.comune.prato.it'] })!, extendedKeyUsage([OID.serverAuth])],
      }),
    );
    if (!csr.ok) throw new Error(csr.message);
    const x509 = new X509Certificate(issue({ subjectPublicKeyDer: csr.publicKeyDer }).certificatePem);
    expect(x509.subject).not.toContain('Administrator');
    expect(x509.subjectAltName).toBeUndefined();
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual([OID.clientAuth]);
  });
});

describe('server certificate profile', () => {
  it('has EKU serverAuth and the DNS SAN, and requires one', () => {
    const x509 = new X509Certificate(
      issue({ profile: 'server', subject: { commonName: 'vpn1.comune.prato.it' }, sanDns: ['vpn1.comune.prato.it'] }).certificatePem,
    );
    expect(x509.keyUsage).toEqual([OID.serverAuth]);
    expect(x509.subjectAltName).toBe('DNS:vpn1.comune.prato.it');
    expect(() => issue({ profile: 'server' })).toThrow(PkiInputError);
  });
});

describe('issuance input checks', () => {
  it.each([
    ['a control character in the CN', { subject: { commonName: 'emp\n1' } }],
    ['an empty CN', { subject: { commonName: '' } }],
    ['a 65-character CN', { subject: { commonName: 'x'.repeat(65) } }],
    ['a bad DNS SAN', { sanDns: ['bad name.example'] }],
    ['a wildcard DNS SAN', { sanDns: ['*.example.org'] }],
    ['a URI SAN with a space', { sanUri: ['urn:a b'] }],
    ['a zero serial', { serialHex: '00' }],
    ['0 validity days', { validityDays: 0 }],
    ['an invalid date', { notBefore: new Date('nope') }],
    ['a 1024-bit key', { subjectPublicKeyDer: spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey) }],
    ['an Ed25519 key', { subjectPublicKeyDer: spkiOf(generateKeyPairSync('ed25519').publicKey) }],
    ['garbage as a key', { subjectPublicKeyDer: Buffer.from('3003020101', 'hex') }],
  ] as [string, Partial<TIssueCertificateParams>][])('refuses %s', (_name, overrides) => {
    expect(() => issue(overrides)).toThrow(PkiInputError);
  });

  it('refuses a CA key that does not match the CA certificate', () => {
    expect(() => issue({ ca: { certificatePem: rsaCa.certificatePem, privateKey: ecCa.privateKey } })).toThrow(PkiError);
  });
});
