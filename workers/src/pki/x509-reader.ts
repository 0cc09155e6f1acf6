import { TAG } from './der.js';
import {
  children,
  content,
  DerError,
  expectTag,
  raw,
  readBitString,
  readOid,
  readRoot,
  readSmallInteger,
  readTime,
  readUnsignedInteger,
  sequenceOf,
  type DerNode,
} from './der-reader.js';
import { OID } from './oids.js';

export interface TExtensionValue {
  critical: boolean;
  valueDer: Buffer;
}

/** The fields of an X.509 certificate that the engine checks or copies (issuer name, key identifiers, usages). */
export interface TParsedCertificate {
  tbsDer: Buffer;
  version: number;
  serial: Buffer;
  signatureOid: string;
  issuerDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectDer: Buffer;
  spkiDer: Buffer;
  extensions: Map<string, TExtensionValue>;
}

/** Parses a certificate's DER strictly; throws `DerError` on anything malformed. */
export function parseCertificate(der: Buffer): TParsedCertificate {
  const [tbs, outerAlgorithm] = sequenceOf(readRoot(der), 'Certificate', 3);
  const fields = children(expectTag(tbs!, TAG.SEQUENCE, 'TBSCertificate'));
  let index = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    version = readSmallInteger(single(fields[0])) + 1;
    index = 1;
  }
  const [serial, algorithm, issuer, validity, subject, spki, ...rest] = fields.slice(index);
  if (!serial || !algorithm || !issuer || !validity || !subject || !spki) throw new DerError('TBSCertificate is incomplete');
  const signatureOid = readOid(sequenceOf(algorithm, 'AlgorithmIdentifier', 1, 2)[0]!);
  if (signatureOid !== readOid(sequenceOf(outerAlgorithm!, 'AlgorithmIdentifier', 1, 2)[0]!)) {
    throw new DerError('inner and outer signature algorithms differ');
  }
  const [notBefore, notAfter] = sequenceOf(validity, 'Validity', 2);
  const extensionsNode = rest.find((node) => node.tag === 0xa3);
  return {
    tbsDer: raw(tbs!),
    version,
    serial: readUnsignedInteger(serial),
    signatureOid,
    issuerDer: raw(expectTag(issuer, TAG.SEQUENCE, 'issuer')),
    notBefore: readTime(notBefore!),
    notAfter: readTime(notAfter!),
    subjectDer: raw(expectTag(subject, TAG.SEQUENCE, 'subject')),
    spkiDer: raw(expectTag(spki, TAG.SEQUENCE, 'subjectPublicKeyInfo')),
    extensions: extensionsNode ? readExtensions(single(extensionsNode)) : new Map(),
  };
}

/** The only child of an EXPLICIT tag. */
export function single(node: DerNode): DerNode {
  const inner = children(node);
  if (inner.length !== 1) throw new DerError('an explicit tag must hold exactly one value');
  return inner[0]!;
}

/** Extensions ::= SEQUENCE OF Extension; a repeated OID is refused (RFC 5280 §4.2). */
export function readExtensions(node: DerNode): Map<string, TExtensionValue> {
  const out = new Map<string, TExtensionValue>();
  for (const item of children(expectTag(node, TAG.SEQUENCE, 'Extensions'))) {
    const parts = sequenceOf(item, 'Extension', 2, 3);
    const dotted = readOid(parts[0]!);
    const critical = parts.length === 3 && content(expectTag(parts[1]!, TAG.BOOLEAN, 'critical'))[0] === 0xff;
    const value = expectTag(parts[parts.length - 1]!, TAG.OCTET_STRING, 'extnValue');
    if (out.has(dotted)) throw new DerError(`extension ${dotted} appears twice`);
    out.set(dotted, { critical, valueDer: content(value) });
  }
  return out;
}

/** basicConstraints cA flag (false when the extension is absent). */
export function isCaCertificate(parsed: TParsedCertificate): boolean {
  const value = parsed.extensions.get(OID.basicConstraints);
  if (!value) return false;
  const fields = children(readRoot(value.valueDer));
  return fields[0]?.tag === TAG.BOOLEAN && content(fields[0])[0] === 0xff;
}

/** keyUsage bits as a set of bit numbers, or null when the extension is absent. */
export function keyUsageBits(parsed: TParsedCertificate): Set<number> | null {
  const value = parsed.extensions.get(OID.keyUsage);
  if (!value) return null;
  const { bytes } = readBitString(readRoot(value.valueDer));
  const bits = new Set<number>();
  bytes.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) bits.add(i * 8 + bit);
  });
  return bits;
}

/** The keyIdentifier of subjectKeyIdentifier, or null. */
export function subjectKeyId(parsed: TParsedCertificate): Buffer | null {
  const value = parsed.extensions.get(OID.subjectKeyIdentifier);
  return value ? content(expectTag(readRoot(value.valueDer), TAG.OCTET_STRING, 'subjectKeyIdentifier')) : null;
}

/** extKeyUsage purposes as dotted OIDs (empty when absent). */
export function extendedKeyUsages(parsed: TParsedCertificate): string[] {
  const value = parsed.extensions.get(OID.extKeyUsage);
  return value ? children(readRoot(value.valueDer)).map(readOid) : [];
}
