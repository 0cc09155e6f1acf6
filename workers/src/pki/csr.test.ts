import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CSR_ERROR_CODES, CSR_MAX_BYTES, inspectCsr, type TCsrInspection } from './csr.js';
import { basicConstraints, extendedKeyUsage, subjectAltName } from './extensions.js';
import { OID } from './oids.js';
import { buildTestCsr, csrPem, ecKeyPair } from './testing/fixtures.js';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = ecKeyPair('P-256');
const goodDer = buildTestCsr({ ...p256, commonName: 'station-42' });
const goodPem = csrPem(goodDer);

function codeOf(result: TCsrInspection): string {
  return result.ok ? 'ok' : result.code;
}

describe('inspectCsr accepts', () => {
  it('an EC P-256 CSR as PEM, as DER, and as PEM bytes', () => {
    for (const input of [goodPem, goodDer, Buffer.from(goodPem)]) {
      const result = inspectCsr(input);
      expect(result.ok && result.keyType).toBe('ec-p256');
    }
  });

  it('RSA 2048 and EC P-384, with SHA-256/384 signatures', () => {
    expect(codeOf(inspectCsr(csrPem(buildTestCsr(rsa2048))))).toBe('ok');
    const result = inspectCsr(csrPem(buildTestCsr({ ...ecKeyPair('P-384'), hash: 'sha384' })));
    expect(result.ok && result.keyType).toBe('ec-p384');
  });

  it('returns the public key and, for display only, what was asked for', () => {
    const der = buildTestCsr({
      ...p256,
      commonName: 'admin\u0000<script>',
      extensions: [basicConstraints({ ca: true }), subjectAltName({ dns: ['evil.example'] })!, extendedKeyUsage([OID.serverAuth])],
    });
    const result = inspectCsr(der);
    if (!result.ok) throw new Error(result.message);
    expect(result.publicKeyDer).toEqual(p256.publicKey.export({ type: 'spki', format: 'der' }));
    expect(result.requestedSubject).toEqual([{ type: 'CN', value: 'admin\uFFFD<script>' }]);
    expect(result.requestedExtensions).toEqual(['basicConstraints', 'subjectAltName', 'extKeyUsage']);
  });
});

describe('inspectCsr refuses, each with its own code', () => {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const cases: [string, () => string | Buffer, string][] = [
    ['empty', () => '   \n', 'csr_empty'],
    ['not PEM', () => 'hello, I would like a certificate', 'csr_malformed'],
    ['a private key', () => rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'csr_not_a_csr'],
    ['a certificate label', () => goodPem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE'), 'csr_not_a_csr'],
    ['truncated PEM', () => goodPem.slice(0, goodPem.length - 60), 'csr_malformed'],
    ['truncated DER', () => goodDer.subarray(0, goodDer.length - 10), 'csr_malformed'],
    ['trailing garbage after PEM', () => `${goodPem}trailing`, 'csr_malformed'],
    ['trailing bytes after DER', () => Buffer.concat([goodDer, Buffer.from([0, 0])]), 'csr_malformed'],
    ['two CSRs', () => goodPem + goodPem, 'csr_malformed'],
    ['oversized', () => `${goodPem}${' '.repeat(CSR_MAX_BYTES)}`, 'csr_too_large'],
    ['bad signature', () => csrPem(buildTestCsr({ ...p256, tamper: true })), 'csr_bad_signature'],
    ['RSA signature OID on an EC key', () => csrPem(buildTestCsr({ ...p256, signatureOid: OID.sha256WithRSAEncryption })), 'csr_bad_signature'],
    ['RSA-1024', () => csrPem(buildTestCsr(rsa1024)), 'csr_key_too_small'],
    ['Ed25519', () => csrPem(buildTestCsr({ ...generateKeyPairSync('ed25519'), hash: null })), 'csr_key_unsupported'],
    ['secp256k1', () => csrPem(buildTestCsr(ecKeyPair('secp256k1'))), 'csr_key_unsupported'],
    ['P-521', () => csrPem(buildTestCsr({ ...ecKeyPair('P-521'), hash: 'sha512', signatureOid: OID.ecdsaWithSHA512 })), 'csr_key_unsupported'],
    ['RSA e=3', () => csrPem(buildTestCsr(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }))), 'csr_key_unsupported'],
    ['SHA-1 signed', () => csrPem(buildTestCsr({ ...rsa2048, hash: 'sha1' })), 'csr_weak_signature'],
    ['MD5 signed', () => csrPem(buildTestCsr({ ...rsa2048, hash: 'md5' })), 'csr_weak_signature'],
    ['ECDSA-SHA1 signed', () => csrPem(buildTestCsr({ ...p256, hash: 'sha1' })), 'csr_weak_signature'],
    ['an unknown signature algorithm', () => csrPem(buildTestCsr({ ...rsa2048, signatureOid: '1.2.3.4' })), 'csr_signature_unsupported'],
  ];
  it.each(cases)('%s', (_name, input, code) => {
    const result = inspectCsr(input());
    expect(codeOf(result)).toBe(code);
    expect(result.ok || result.message.length > 0).toBe(true);
  });

  it('refuses a non-string, non-Buffer value without throwing', () => {
    expect(codeOf(inspectCsr(42 as unknown as string))).toBe('csr_malformed');
  });
});

describe('inspectCsr never throws on hostile input', () => {
  const known = new Set<string>(['ok', ...CSR_ERROR_CODES]);

  it('survives every truncation of a valid CSR', () => {
    for (let length = 0; length < goodDer.length; length++) {
      const code = codeOf(inspectCsr(goodDer.subarray(0, length)));
      expect(code).not.toBe('ok');
      expect(known.has(code)).toBe(true);
    }
  });

  it('refuses every single-byte change of a valid CSR and survives random bytes', () => {
    for (let i = 0; i < 3_000; i++) {
      const mutated = Buffer.from(goodDer);
      const position = i % goodDer.length;
      mutated[position] = mutated[position]! ^ (1 + ((i * 37) % 255));
      const code = codeOf(inspectCsr(mutated));
      expect(known.has(code) && code !== 'ok', `byte ${position}: ${code}`).toBe(true);
    }
    for (let i = 0; i < 1_000; i++) {
      const bytes = randomBytes(1 + (i % 600));
      if (i % 2) bytes[0] = 0x30;
      expect(known.has(codeOf(inspectCsr(bytes)))).toBe(true);
    }
  });
});
