import { createHash } from 'node:crypto';
import { booleanTrue, implicitPrimitive, integer, namedBitString, octetString, oid, sequence } from './der.js';
import { readBitString, readRoot, sequenceOf } from './der-reader.js';
import { PkiInputError } from './errors.js';
import { OID } from './oids.js';
import { isDnsName, isSanUri } from './validate.js';

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE (omitted when false, as DER requires), extnValue }. */
export function extension(dotted: string, critical: boolean, valueDer: Buffer): Buffer {
  return critical ? sequence(oid(dotted), booleanTrue(), octetString(valueDer)) : sequence(oid(dotted), octetString(valueDer));
}

/** cA DEFAULT FALSE is omitted for end entities, so CA:FALSE is an empty SEQUENCE. */
export function basicConstraints(params: { ca: boolean; pathLength?: number }): Buffer {
  if (!params.ca) return extension(OID.basicConstraints, true, sequence());
  const fields = [booleanTrue()];
  if (params.pathLength !== undefined) fields.push(integer(params.pathLength));
  return extension(OID.basicConstraints, true, sequence(...fields));
}

export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type TKeyUsage = keyof typeof KEY_USAGE_BITS;

export function keyUsage(usages: TKeyUsage[]): Buffer {
  return extension(OID.keyUsage, true, namedBitString(usages.map((usage) => KEY_USAGE_BITS[usage])));
}

export function extendedKeyUsage(purposeOids: string[]): Buffer {
  return extension(OID.extKeyUsage, false, sequence(...purposeOids.map((dotted) => oid(dotted))));
}

export function subjectKeyIdentifier(keyId: Buffer): Buffer {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId));
}

/** AuthorityKeyIdentifier with keyIdentifier only ([0] IMPLICIT), which is what RFC 5280 §4.2.1.1 asks of a CA. */
export function authorityKeyIdentifier(keyId: Buffer): Buffer {
  return extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyId)));
}

/** dNSName [2] and uniformResourceIdentifier [6], both IA5String, validated so no odd bytes reach a peer. */
export function subjectAltName(params: { dns?: string[]; uri?: string[] }): Buffer | null {
  const dns = params.dns ?? [];
  const uri = params.uri ?? [];
  if (dns.length + uri.length === 0) return null;
  if (dns.length + uri.length > 32) throw new PkiInputError('too many subject alternative names');
  const names: Buffer[] = [];
  for (const name of dns) {
    if (!isDnsName(name)) throw new PkiInputError(`not a valid DNS name for a SAN: ${JSON.stringify(name).slice(0, 80)}`);
    names.push(implicitPrimitive(2, Buffer.from(name, 'latin1')));
  }
  for (const value of uri) {
    if (!isSanUri(value)) throw new PkiInputError(`not a valid URI for a SAN: ${JSON.stringify(value).slice(0, 80)}`);
    names.push(implicitPrimitive(6, Buffer.from(value, 'latin1')));
  }
  return extension(OID.subjectAltName, false, sequence(...names));
}

/**
 * Key identifier per RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 over the subjectPublicKey bits.
 * Same length as the classic SHA-1 identifier, without putting SHA-1 anywhere in the certificate.
 */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const [, publicKeyBits] = sequenceOf(readRoot(spkiDer), 'SubjectPublicKeyInfo', 2);
  return createHash('sha256').update(readBitString(publicKeyBits!).bytes).digest().subarray(0, 20);
}
