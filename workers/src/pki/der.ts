/**
 * A minimal DER writer: every encoder returns the finished TLV bytes, and constructed values are written with one
 * allocation of the exact size, so a structure with n children costs O(total bytes) — a CRL with 50,000 entries is
 * one pass, never a quadratic concatenation. Only the types X.509, CRLs, CSRs and PKCS#12 need are here.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function lengthOfLength(length: number): number {
  if (length < 0x80) return 1;
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  if (length <= 0xffffff) return 4;
  return 5;
}

export function writeHeader(out: Buffer, tag: number, length: number): number {
  out[0] = tag;
  const lengthBytes = lengthOfLength(length) - 1;
  if (lengthBytes === 0) {
    out[1] = length;
    return 2;
  }
  out[1] = 0x80 | lengthBytes;
  for (let i = 0; i < lengthBytes; i++) out[2 + i] = (length >>> (8 * (lengthBytes - 1 - i))) & 0xff;
  return 2 + lengthBytes;
}

/** A TLV whose content is the concatenation of `parts`, written with a single allocation. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = Buffer.allocUnsafe(1 + lengthOfLength(length) + length);
  let offset = writeHeader(out, tag, length);
  for (const part of parts) offset += part.copy(out, offset);
  return out;
}

export const sequence = (...parts: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...parts);

/** SET OF: DER orders the members by their encodings (X.690 §11.6); a set with one member is the common case. */
export function setOf(...members: Buffer[]): Buffer {
  return tlv(TAG.SET, ...[...members].sort(Buffer.compare));
}

/** [n] EXPLICIT: a constructed context tag around complete TLVs. */
export const explicit = (n: number, ...parts: Buffer[]): Buffer => tlv(0xa0 | n, ...parts);
/** [n] IMPLICIT on a primitive type (e.g. a GeneralName dNSName, a keyIdentifier). */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

export const NULL_DER: Buffer = Buffer.from([TAG.NULL, 0x00]);

/** INTEGER from big-endian unsigned bytes: minimal form, with a 0x00 byte when the high bit would read as a sign. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start);
  if (trimmed.length === 0) return Buffer.from([TAG.INTEGER, 0x01, 0x00]);
  return (trimmed[0] ?? 0) & 0x80 ? tlv(TAG.INTEGER, Buffer.from([0]), trimmed) : tlv(TAG.INTEGER, trimmed);
}

/** Big-endian bytes of a non-negative bigint (at least one byte). */
export function bigintToBytes(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('negative values are not encoded here');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

export function integer(value: number | bigint): Buffer {
  return unsignedInteger(bigintToBytes(BigInt(value)));
}

export function enumerated(value: number): Buffer {
  const der = integer(value);
  der[0] = TAG.ENUMERATED;
  return der;
}

export const booleanTrue = (): Buffer => Buffer.from([TAG.BOOLEAN, 0x01, 0xff]);
export const octetString = (content: Buffer): Buffer => tlv(TAG.OCTET_STRING, content);
export const bitString = (content: Buffer, unusedBits = 0): Buffer => tlv(TAG.BIT_STRING, Buffer.from([unusedBits]), content);

/**
 * A named-bit BIT STRING (keyUsage): DER drops trailing zero bits (X.690 §11.2.2), so the unused-bits count
 * depends on the highest bit set. `bits` are bit numbers as in RFC 5280 (digitalSignature = 0).
 */
export function namedBitString(bits: number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted form, cached: the same dozen OIDs are written thousands of times per CRL. */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new Error(`bad OID ${dotted}`);
    return BigInt(arc);
  });
  if (arcs.length < 2) throw new Error(`bad OID ${dotted}`);
  const body: number[] = [];
  const values = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  for (const value of values) {
    const chunk: number[] = [Number(value & 0x7fn)];
    for (let rest = value >> 7n; rest > 0n; rest >>= 7n) chunk.unshift(Number(rest & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  const der = tlv(TAG.OID, Buffer.from(body));
  oidCache.set(dotted, der);
  return der;
}

export const utf8String = (value: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8'));
export const ia5String = (value: string): Buffer => tlv(TAG.IA5_STRING, Buffer.from(value, 'latin1'));

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
export function printableString(value: string): Buffer {
  if (!PRINTABLE.test(value)) throw new Error('value is not a PrintableString');
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(value, 'latin1'));
}

/** BMPString: UTF-16 big-endian (PKCS#12 friendlyName). */
export function bmpString(value: string): Buffer {
  return tlv(TAG.BMP_STRING, Buffer.from(value, 'utf16le').swap16());
}

/** Year, month, day from days since 1970-01-01 (Hinnant's civil_from_days): integer arithmetic, no Date objects. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const MS_PER_DAY = 86_400_000;

/** Content length of the Time for `ms` since the epoch: 13 (UTCTime) or 15 (GeneralizedTime). */
export function timeContentLength(ms: number): number {
  return civilFromDays(Math.floor(ms / MS_PER_DAY))[0] < 2050 ? 13 : 15;
}

/**
 * Writes a complete Time TLV at `offset` and returns the new offset. RFC 5280 §4.1.2.5: UTCTime through 2049,
 * GeneralizedTime from 2050, UTC, whole seconds. Digits are written directly: a CRL writes thousands of these.
 */
export function writeTime(out: Buffer, offset: number, ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError('invalid date');
  const days = Math.floor(ms / MS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  if (year < 1950 || year > 9999) throw new RangeError('date out of range');
  const seconds = Math.floor((ms - days * MS_PER_DAY) / 1000);
  const generalized = year >= 2050;
  out[offset++] = generalized ? TAG.GENERALIZED_TIME : TAG.UTC_TIME;
  out[offset++] = generalized ? 15 : 13;
  if (generalized) offset = writeTwoDigits(out, offset, Math.floor(year / 100));
  offset = writeTwoDigits(out, offset, year % 100);
  offset = writeTwoDigits(out, offset, month);
  offset = writeTwoDigits(out, offset, day);
  offset = writeTwoDigits(out, offset, Math.floor(seconds / 3600));
  offset = writeTwoDigits(out, offset, Math.floor(seconds / 60) % 60);
  offset = writeTwoDigits(out, offset, seconds % 60);
  out[offset] = 0x5a; // 'Z'
  return offset + 1;
}

function writeTwoDigits(out: Buffer, offset: number, value: number): number {
  out[offset] = 0x30 + Math.floor(value / 10);
  out[offset + 1] = 0x30 + (value % 10);
  return offset + 2;
}

export function time(date: Date): Buffer {
  const ms = date.getTime();
  const out = Buffer.allocUnsafe(2 + (Number.isFinite(ms) ? timeContentLength(ms) : 13));
  writeTime(out, 0, ms);
  return out;
}

/** PEM with 64-character lines (RFC 7468 strict form). */
export function toPem(label: string, der: Buffer): string {
  const base64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
