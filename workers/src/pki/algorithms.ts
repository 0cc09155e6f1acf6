import { sign, type KeyObject } from 'node:crypto';
import { NULL_DER, oid, sequence } from './der.js';
import { OID } from './oids.js';

export type TEcCurve = 'P-256' | 'P-384' | 'P-521';
export type TKeyDescription = { kind: 'rsa'; bits: number; publicExponent: bigint } | { kind: 'ec'; curve: TEcCurve };
export type THash = 'sha256' | 'sha384' | 'sha512';

const CURVES: Readonly<Record<string, TEcCurve>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** RSA (PKCS#1 v1.5 keys) or an EC key on a NIST curve; anything else (RSA-PSS, Ed25519, secp256k1…) is null. */
export function describeKey(key: KeyObject): TKeyDescription | null {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength && details.publicExponent) {
    return { kind: 'rsa', bits: details.modulusLength, publicExponent: details.publicExponent };
  }
  const curve = key.asymmetricKeyType === 'ec' && details.namedCurve ? CURVES[details.namedCurve] : undefined;
  return curve ? { kind: 'ec', curve } : null;
}

export interface TSignatureAlgorithm {
  readonly name: string;
  readonly oid: string;
  readonly hash: THash;
  readonly keyKind: 'rsa' | 'ec';
  /** The AlgorithmIdentifier DER: RSA carries an explicit NULL, ECDSA no parameters (RFC 4055, RFC 5758). */
  readonly identifierDer: Buffer;
}

function algorithm(name: keyof typeof OID, hash: THash, keyKind: 'rsa' | 'ec'): TSignatureAlgorithm {
  const dotted = OID[name];
  const identifierDer = keyKind === 'rsa' ? sequence(oid(dotted), NULL_DER) : sequence(oid(dotted));
  return { name, oid: dotted, hash, keyKind, identifierDer };
}

/** The signature algorithms we produce and accept. SHA-1 and MD5 are deliberately absent. */
export const SIGNATURE_ALGORITHMS: readonly TSignatureAlgorithm[] = [
  algorithm('sha256WithRSAEncryption', 'sha256', 'rsa'),
  algorithm('sha384WithRSAEncryption', 'sha384', 'rsa'),
  algorithm('sha512WithRSAEncryption', 'sha512', 'rsa'),
  algorithm('ecdsaWithSHA256', 'sha256', 'ec'),
  algorithm('ecdsaWithSHA384', 'sha384', 'ec'),
  algorithm('ecdsaWithSHA512', 'sha512', 'ec'),
];

export const WEAK_SIGNATURE_OIDS: ReadonlySet<string> = new Set([
  OID.md2WithRSAEncryption,
  OID.md5WithRSAEncryption,
  OID.sha1WithRSAEncryption,
  OID.ecdsaWithSHA1,
]);

export function signatureAlgorithmByOid(dotted: string): TSignatureAlgorithm | undefined {
  return SIGNATURE_ALGORITHMS.find((candidate) => candidate.oid === dotted);
}

/**
 * What a CA key signs with: SHA-256 for RSA (what every VPN client accepts), and the hash that matches the
 * curve's strength for EC (RFC 5480 §4): ecdsa-with-SHA384 for a P-384 CA.
 */
export function signatureAlgorithmFor(key: KeyObject): TSignatureAlgorithm {
  const description = describeKey(key);
  if (!description) throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? 'unknown'}`);
  const name =
    description.kind === 'rsa'
      ? 'sha256WithRSAEncryption'
      : ({ 'P-256': 'ecdsaWithSHA256', 'P-384': 'ecdsaWithSHA384', 'P-521': 'ecdsaWithSHA512' } as const)[description.curve];
  return SIGNATURE_ALGORITHMS.find((candidate) => candidate.name === name)!;
}

/** Native signature over already-encoded TBS bytes; ECDSA comes out as the DER Ecdsa-Sig-Value X.509 wants. */
export function signTbs(algorithm: TSignatureAlgorithm, privateKey: KeyObject, tbs: Buffer): Buffer {
  return sign(algorithm.hash, tbs, privateKey);
}
