import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { signatureAlgorithmByOid, WEAK_SIGNATURE_OIDS } from './algorithms.js';
import { TAG } from './der.js';
import { DerError, expectTag, raw, readBitString, readOid, readRoot, readSmallInteger, sequenceOf, type DerNode } from './der-reader.js';
import { describeCsrAttributes, describeName, type TNameEntry } from './csr-describe.js';
import { OID } from './oids.js';
import { readPemBlocks } from './pem.js';

/** A CSR is ~1 KiB (RSA-4096 with extensions ~2 KiB); 16 KiB leaves room without inviting big uploads. */
export const CSR_MAX_BYTES = 16 * 1024;

export const CSR_ERROR_CODES = [
  'csr_empty',
  'csr_too_large',
  'csr_malformed',
  'csr_not_a_csr',
  'csr_bad_signature',
  'csr_weak_signature',
  'csr_signature_unsupported',
  'csr_key_unsupported',
  'csr_key_too_small',
] as const;
export type TCsrErrorCode = (typeof CSR_ERROR_CODES)[number];
export type TCsrKeyType = `rsa-${number}` | 'ec-p256' | 'ec-p384';

export type TCsrInspection =
  | {
      ok: true;
      /** SubjectPublicKeyInfo DER, re-encoded by OpenSSL: the only thing issuance takes from the CSR. */
      publicKeyDer: Buffer;
      keyType: TCsrKeyType;
      /** What the requester asked for, for display only (untrusted text: escape it). Issuance ignores it. */
      requestedSubject: TNameEntry[];
      /** Names (or dotted OIDs) of the requested extensions, for display only. Issuance ignores them. */
      requestedExtensions: string[];
    }
  | { ok: false; code: TCsrErrorCode; message: string };

type TFailure = Extract<TCsrInspection, { ok: false }>;
const fail = (code: TCsrErrorCode, message: string): TFailure => ({ ok: false, code, message });
const isFailure = (value: unknown): value is TFailure => typeof value === 'object' && value !== null && 'ok' in value;

/**
 * Checks a certificate signing request from an untrusted station: size, encoding, key, signature. Never throws:
 * every refusal is a precise code for a 4xx answer. The signature is verified natively (OpenSSL), for RSA and EC.
 */
export function inspectCsr(input: string | Buffer): TCsrInspection {
  try {
    const der = decodeInput(input);
    if (isFailure(der)) return der;
    return inspectDer(der);
  } catch (err) {
    // Only DerError is expected here; anything else is still the requester's bytes, never a 500.
    const why = err instanceof DerError ? err.message : 'unreadable structure';
    return fail('csr_malformed', `the CSR is not a valid PKCS#10 request (${why})`);
  }
}

function decodeInput(input: string | Buffer): Buffer | TFailure {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) return fail('csr_malformed', 'the CSR must be text or bytes');
  const size = typeof input === 'string' ? (input.length > CSR_MAX_BYTES ? input.length : Buffer.byteLength(input)) : input.length;
  if (size > CSR_MAX_BYTES) return fail('csr_too_large', `the CSR is larger than ${CSR_MAX_BYTES} bytes`);
  if (Buffer.isBuffer(input) && input[0] === TAG.SEQUENCE) return input;
  const text = typeof input === 'string' ? input : input.toString('utf8'); // a UTF-8 BOM then reads as whitespace
  if (text.trim() === '') return fail('csr_empty', 'the CSR is empty');
  const blocks = readPemBlocks(text);
  if (!blocks) {
    return text.includes('-----BEGIN')
      ? fail('csr_malformed', 'the PEM is damaged or has text around it')
      : fail('csr_malformed', 'the CSR is neither PEM nor DER');
  }
  if (blocks.length !== 1) return fail('csr_malformed', 'expected exactly one PEM block');
  const { label, der } = blocks[0]!;
  if (label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') return der;
  const hint = label.includes('PRIVATE KEY') ? ' This is a private key: never send it; send the CSR.' : '';
  return fail('csr_not_a_csr', `expected a CERTIFICATE REQUEST, got ${label}.${hint}`);
}

interface TParsedCsr {
  infoDer: Buffer;
  subject: DerNode;
  spki: DerNode;
  attributes: DerNode | undefined;
  signatureOid: string;
  signatureParams: DerNode | undefined;
  signature: Buffer;
}

/** CertificationRequest (RFC 2986), read strictly. */
function parseCsr(der: Buffer): TParsedCsr {
  const [info, algorithm, signature] = sequenceOf(readRoot(der), 'CertificationRequest', 3);
  const fields = sequenceOf(info!, 'CertificationRequestInfo', 3, 4);
  if (readSmallInteger(fields[0]!) !== 0) throw new DerError('unknown CSR version');
  const attributes = fields[3];
  if (attributes && attributes.tag !== 0xa0) throw new DerError('attributes must be [0]');
  const [signatureOid, signatureParams] = sequenceOf(algorithm!, 'signatureAlgorithm', 1, 2);
  const bits = readBitString(signature!);
  if (bits.unusedBits !== 0) throw new DerError('signature BIT STRING has unused bits');
  return {
    infoDer: raw(info!),
    subject: expectTag(fields[1]!, TAG.SEQUENCE, 'subject'),
    spki: expectTag(fields[2]!, TAG.SEQUENCE, 'subjectPKInfo'),
    attributes,
    signatureOid: readOid(signatureOid!),
    signatureParams,
    signature: bits.bytes,
  };
}

function inspectDer(der: Buffer): TCsrInspection {
  const csr = parseCsr(der);
  const key = readKey(csr.spki);
  if (isFailure(key)) return key;
  const signatureCheck = checkSignature(csr, key.publicKey);
  if (signatureCheck) return signatureCheck;
  return {
    ok: true,
    publicKeyDer: key.publicKey.export({ type: 'spki', format: 'der' }),
    keyType: key.keyType,
    requestedSubject: describeName(csr.subject),
    requestedExtensions: csr.attributes ? describeCsrAttributes(csr.attributes) : [],
  };
}

const SUPPORTED_CURVES: Readonly<Record<string, 'ec-p256' | 'ec-p384'>> = { [OID.prime256v1]: 'ec-p256', [OID.secp384r1]: 'ec-p384' };
const KNOWN_UNSUPPORTED: Readonly<Record<string, string>> = {
  '1.3.132.0.10': 'secp256k1',
  [OID.secp521r1]: 'P-521',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  [OID.rsassaPss]: 'RSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
};

/** The key: RSA 2048–8192 with e ≥ 65537, or EC P-256/P-384. Checked before the signature, so codes are precise. */
function readKey(spki: DerNode): { publicKey: KeyObject; keyType: TCsrKeyType } | TFailure {
  const [algorithm] = sequenceOf(spki, 'SubjectPublicKeyInfo', 2);
  const [algorithmOid, params] = sequenceOf(algorithm!, 'AlgorithmIdentifier', 1, 2);
  const dotted = readOid(algorithmOid!);
  const curveOid = dotted === OID.ecPublicKey && params?.tag === TAG.OID ? readOid(params) : undefined;
  if (dotted !== OID.rsaEncryption && !(curveOid && SUPPORTED_CURVES[curveOid])) {
    const name = KNOWN_UNSUPPORTED[curveOid ?? dotted] ?? curveOid ?? dotted;
    return fail('csr_key_unsupported', `key type ${name} is not accepted: use RSA ≥ 2048 bits or EC P-256/P-384`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: raw(spki), format: 'der', type: 'spki' });
  } catch {
    return fail('csr_malformed', 'the public key in the CSR cannot be decoded');
  }
  if (curveOid) return { publicKey, keyType: SUPPORTED_CURVES[curveOid]! };
  const { modulusLength: bits = 0, publicExponent = 0n } = publicKey.asymmetricKeyDetails ?? {};
  if (bits < 2048) return fail('csr_key_too_small', `RSA key of ${bits} bits: at least 2048 are required`);
  if (bits > 8192) return fail('csr_key_unsupported', `RSA key of ${bits} bits: at most 8192 are accepted`);
  if (publicExponent < 65537n || publicExponent % 2n === 0n) return fail('csr_key_unsupported', 'RSA public exponent must be odd and ≥ 65537');
  return { publicKey, keyType: `rsa-${bits}` };
}

/** Algorithm allow-list first (MD5/SHA-1 refused), then the native verification of the proof of possession. */
function checkSignature(csr: TParsedCsr, publicKey: KeyObject): TFailure | null {
  if (WEAK_SIGNATURE_OIDS.has(csr.signatureOid)) {
    return fail('csr_weak_signature', 'the CSR is signed with MD5 or SHA-1: sign it with SHA-256 or stronger');
  }
  const algorithm = signatureAlgorithmByOid(csr.signatureOid);
  if (!algorithm) return fail('csr_signature_unsupported', `signature algorithm ${csr.signatureOid} is not accepted`);
  const paramsOk = csr.signatureParams === undefined || (algorithm.keyKind === 'rsa' && csr.signatureParams.tag === TAG.NULL);
  if (!paramsOk || algorithm.keyKind !== publicKey.asymmetricKeyType) {
    return fail('csr_bad_signature', 'the signature algorithm does not match the key');
  }
  return verifies(algorithm.hash, csr.infoDer, publicKey, csr.signature)
    ? null
    : fail('csr_bad_signature', 'the CSR signature does not verify with its own key');
}

function verifies(hash: string, data: Buffer, publicKey: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash, data, publicKey, signature);
  } catch {
    return false; // a signature that cannot even be decoded is just a bad signature
  }
}
