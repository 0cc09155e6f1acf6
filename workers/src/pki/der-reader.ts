import { TAG } from './der.js';

/**
 * A strict DER reader for untrusted input (CSRs pasted by anyone, imported CA certificates). Strict on purpose:
 * definite, minimal lengths only, no high tag numbers, every child must end exactly at its parent's end. BER
 * leniency is where ASN.1 parsers have had their signature-forgery bugs (node-forge CVE-2022-24771/2,
 * CVE-2025-12816), and a CSR that is not DER is not worth accepting. Every failure is a `DerError`.
 * The reader never recurses on its own, so nesting depth is bounded by the callers' fixed schemas.
 */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export interface DerNode {
  readonly buf: Buffer;
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

/** One TLV starting at `offset` that must end at or before `limit`. */
export function readNode(buf: Buffer, offset: number, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw new DerError('truncated: no room for a tag and a length');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here');
  const first = buf[offset + 1]!;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (contentStart + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i]!;
    if (buf[contentStart] === 0 || length < 0x80) throw new DerError('non-minimal length is not DER');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('truncated: content runs past its container');
  return { buf, tag, start: offset, contentStart, end };
}

/** The single TLV that must span the whole buffer (trailing bytes are refused). */
export function readRoot(buf: Buffer): DerNode {
  const node = readNode(buf, 0);
  if (node.end !== buf.length) throw new DerError('trailing bytes after the DER value');
  return node;
}

export function expectTag(node: DerNode, tag: number, what: string): DerNode {
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

/** The children of a constructed node; they must tile its content exactly. */
export function children(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError('primitive value where a constructed one was expected');
  const out: DerNode[] = [];
  for (let offset = node.contentStart; offset < node.end; ) {
    const child = readNode(node.buf, offset, node.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Children of a SEQUENCE with a count check, for fixed schemas. */
export function sequenceOf(node: DerNode, what: string, min: number, max = min): DerNode[] {
  const items = children(expectTag(node, TAG.SEQUENCE, what));
  if (items.length < min || items.length > max) throw new DerError(`${what}: unexpected number of fields`);
  return items;
}

export const content = (node: DerNode): Buffer => node.buf.subarray(node.contentStart, node.end);
/** The complete TLV bytes (e.g. the signed part of a CSR, a Name to copy verbatim). */
export const raw = (node: DerNode): Buffer => node.buf.subarray(node.start, node.end);

export function readOid(node: DerNode): string {
  const bytes = content(expectTag(node, TAG.OID, 'OBJECT IDENTIFIER'));
  if (bytes.length === 0 || bytes.length > 64) throw new DerError('bad OBJECT IDENTIFIER length');
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (const byte of bytes) {
    if (fresh && byte === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER arc');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError('OBJECT IDENTIFIER arc too large');
    fresh = !(byte & 0x80);
    if (fresh) {
      arcs.push(value);
      value = 0;
    }
  }
  if (!fresh) throw new DerError('truncated OBJECT IDENTIFIER');
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** INTEGER content as unsigned big-endian bytes; refuses negative and non-minimal encodings. */
export function readUnsignedInteger(node: DerNode): Buffer {
  const bytes = content(expectTag(node, TAG.INTEGER, 'INTEGER'));
  if (bytes.length === 0) throw new DerError('empty INTEGER');
  if (bytes[0]! & 0x80) throw new DerError('negative INTEGER');
  if (bytes.length > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80)) throw new DerError('non-minimal INTEGER');
  return bytes[0] === 0 && bytes.length > 1 ? bytes.subarray(1) : bytes;
}

export function readSmallInteger(node: DerNode): number {
  const bytes = readUnsignedInteger(node);
  if (bytes.length > 4) throw new DerError('INTEGER too large');
  return bytes.reduce((acc, byte) => acc * 256 + byte, 0);
}

export function readBitString(node: DerNode): { unusedBits: number; bytes: Buffer } {
  const body = content(expectTag(node, TAG.BIT_STRING, 'BIT STRING'));
  const unusedBits = body[0];
  if (unusedBits === undefined || unusedBits > 7 || (body.length === 1 && unusedBits !== 0)) {
    throw new DerError('bad BIT STRING');
  }
  return { unusedBits, bytes: body.subarray(1) };
}

/** The string types a Name may carry, decoded for display; anything else is shown as hex. */
export function readDisplayString(node: DerNode): string {
  const bytes = content(node);
  switch (node.tag) {
    case TAG.UTF8_STRING:
      return bytes.toString('utf8');
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return bytes.toString('latin1');
    case TAG.BMP_STRING:
      if (bytes.length % 2) throw new DerError('odd BMPString length');
      return Buffer.from(bytes).swap16().toString('utf16le');
    default:
      return `#${raw(node).toString('hex')}`;
  }
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms RFC 5280 allows. */
export function readTime(node: DerNode): Date {
  const text = content(node).toString('latin1');
  const match =
    node.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) throw new DerError('bad time value');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = node.tag === TAG.UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}
