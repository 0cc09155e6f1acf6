import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createCa } from '../ca.js';
import { bitString, explicit, integer, NULL_DER, oid, sequence, setOf, toPem, utf8String } from '../der.js';
import type { TCaSigner } from '../issuer.js';
import type { TCaKeyType } from '../keys.js';
import { OID } from '../oids.js';

/** Test-only helpers: CAs cached per process, and a CSR builder able to make the hostile CSRs a CSR checker must refuse. */

const cas = new Map<TCaKeyType, Promise<TCaSigner>>();

export function testCa(keyType: TCaKeyType): Promise<TCaSigner> {
  let ca = cas.get(keyType);
  if (!ca) {
    ca = createCa({
      keyType,
      subject: { commonName: `Varco Test CA ${keyType}`, organization: 'Comune di Prato', country: 'IT' },
      validityDays: 3650,
    }).then((material) => ({ certificatePem: material.certificatePem, privateKey: createPrivateKey(material.privateKeyPem) }));
    cas.set(keyType, ca);
  }
  return ca;
}

export const spkiOf = (publicKey: KeyObject): Buffer => publicKey.export({ type: 'spki', format: 'der' });

export interface TTestCsrParams {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName?: string;
  /** Node digest name, or null for Ed25519. */
  hash?: string | null;
  signatureOid?: string;
  /** Extensions to request (complete Extension DERs). */
  extensions?: Buffer[];
  /** Flip a byte of the signature. */
  tamper?: boolean;
}

const DEFAULT_SIGNATURE_OIDS: Record<string, Record<string, string>> = {
  rsa: { sha256: OID.sha256WithRSAEncryption, sha1: OID.sha1WithRSAEncryption, md5: OID.md5WithRSAEncryption },
  ec: { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha1: OID.ecdsaWithSHA1 },
};

/** A PKCS#10 request built by hand, so tests control every field (weak digests, odd keys, bad signatures). */
export function buildTestCsr(params: TTestCsrParams): Buffer {
  const hash = params.hash === undefined ? 'sha256' : params.hash;
  const kind = params.privateKey.asymmetricKeyType ?? '';
  const dotted = params.signatureOid ?? (hash ? DEFAULT_SIGNATURE_OIDS[kind]?.[hash] : '1.3.101.112') ?? OID.ecdsaWithSHA256;
  const subject = sequence(setOf(sequence(oid(OID.commonName), utf8String(params.commonName ?? 'requested-cn'))));
  const attributes = params.extensions?.length
    ? explicit(0, sequence(oid(OID.extensionRequest), setOf(sequence(...params.extensions))))
    : explicit(0);
  const info = sequence(integer(0), subject, spkiOf(params.publicKey), attributes);
  const signature = sign(hash, info, params.privateKey);
  if (params.tamper) signature[signature.length - 5]! ^= 0x01;
  const algorithm = kind === 'rsa' ? sequence(oid(dotted), NULL_DER) : sequence(oid(dotted));
  return sequence(info, algorithm, bitString(signature));
}

export const csrPem = (der: Buffer): string => toPem('CERTIFICATE REQUEST', der);

export function ecKeyPair(namedCurve: string) {
  return generateKeyPairSync('ec', { namedCurve });
}
