/**
 * The BER decoder of paged-search.ts, fed LDAP answers encoded here by hand from RFC 4511 (not by the decoder's own
 * code), whole, one byte at a time and in random splits: TCP delivers a message in whatever pieces it likes.
 * The search loop around it (message ids, one page ahead, timeouts, handing the socket back) runs against real slapd
 * in paged-search.int.test.ts.
 */
import { PagedResultsControl } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ResponseDecoder, type TResponseMessage } from './paged-search.js';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const octets = (value: string | Buffer, tag = 0x04) => tlv(tag, Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'));
/** Non-negative integers, minimal two's complement. */
function integer(n: number, tag = 0x02): Buffer {
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (!bytes.length || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}
const message = (id: number, op: Buffer, controls?: Buffer) => tlv(0x30, integer(id), op, ...(controls ? [controls] : []));
const searchEntry = (dn: string, attributes: Array<[string, Array<string | Buffer>]>) =>
  tlv(0x64, octets(dn), tlv(0x30, ...attributes.map(([type, values]) => tlv(0x30, octets(type), tlv(0x31, ...values.map((v) => octets(v)))))));
const searchDone = (code: number, diagnostic = '') => tlv(0x65, integer(code, 0x0a), octets(''), octets(diagnostic));
const control = (oid: string, critical: boolean | null, value?: Buffer) =>
  tlv(0x30, octets(oid), ...(critical === null ? [] : [tlv(0x01, Buffer.from([critical ? 0xff : 0]))]), ...(value ? [octets(value)] : []));
const pagedControl = (cookie: Buffer, critical: boolean | null = null) =>
  control(PagedResultsControl.type, critical, tlv(0x30, integer(0), octets(cookie)));

function decodeIn(pieces: Buffer[]): TResponseMessage[] {
  const decoder = new ResponseDecoder();
  const messages: TResponseMessage[] = [];
  for (const piece of pieces) decoder.push(piece, (m) => messages.push(m));
  expect(decoder.hasPartial()).toBe(false);
  return messages;
}
const bytewise = (stream: Buffer) => [...stream].map((byte) => Buffer.from([byte]));
/** Deterministic pseudo-random cuts (a fixed LCG), so a failure can be replayed. */
function randomSplits(stream: Buffer, seed: number): Buffer[] {
  const pieces: Buffer[] = [];
  let state = seed;
  for (let at = 0; at < stream.length; ) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 700);
    pieces.push(stream.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

const ID = 0x40000001;
const LONG = 'è'.repeat(40_000); // 80,000 bytes: a three-byte BER length
const cookie = Buffer.from([0x00, 0xff, 0x10, 0x80]);
const page = Buffer.concat([
  message(ID, searchEntry('uid=mrossi,ou=people,dc=comune,dc=prato,dc=it', [
    ['uid', ['mrossi']],
    ['cn', ['Mario Rossi', 'M. Rossi']],
    ['description', []],
    ['ou', ['Università & Ricerca']],
  ])),
  message(ID, tlv(0x73, octets('ldap://other.example/dc=x'))), // a continuation reference
  message(ID, searchEntry('uid=lbianchi,ou=people,dc=comune,dc=prato,dc=it', [
    ['sn', [LONG]],
    ['userCertificate;binary', [Buffer.from([0x30, 0x82, 0xff, 0x00])]],
  ])),
  message(ID, searchDone(0), tlv(0xa0, control('2.16.840.1.113730.3.4.2', true), pagedControl(cookie, false))),
]);

describe('ResponseDecoder', () => {
  const expected: TResponseMessage[] = [
    {
      id: ID,
      kind: 'entry',
      entry: { dn: 'uid=mrossi,ou=people,dc=comune,dc=prato,dc=it', uid: 'mrossi', cn: ['Mario Rossi', 'M. Rossi'], description: [], ou: 'Università & Ricerca' },
    },
    { id: ID, kind: 'skipped' },
    {
      id: ID,
      kind: 'entry',
      entry: { dn: 'uid=lbianchi,ou=people,dc=comune,dc=prato,dc=it', sn: LONG, 'userCertificate;binary': Buffer.from([0x30, 0x82, 0xff, 0x00]) },
    },
    { id: ID, kind: 'done', resultCode: 0, diagnostic: '', cookie },
  ];

  it('decodes entries (single, multiple, no values; UTF-8; ;binary as bytes), references and the paged cookie', () => {
    expect(decodeIn([page])).toEqual(expected);
  });

  it('gives the same messages however the stream is cut', () => {
    expect(decodeIn(bytewise(page))).toEqual(expected);
    for (const seed of [1, 2, 3, 42]) expect(decodeIn(randomSplits(page, seed))).toEqual(expected);
    // Several messages in one chunk and a message across many chunks, mixed.
    expect(decodeIn([page.subarray(0, 3), page.subarray(3, page.length - 1), page.subarray(page.length - 1)])).toEqual(expected);
  });

  it('keeps a partial message until the rest arrives, and only then hands it on', () => {
    const decoder = new ResponseDecoder();
    const seen: TResponseMessage[] = [];
    const done = message(ID, searchDone(0));
    decoder.push(done.subarray(0, 1), (m) => seen.push(m));
    decoder.push(done.subarray(1, 5), (m) => seen.push(m));
    expect(seen).toEqual([]);
    expect(decoder.hasPartial()).toBe(true);
    decoder.push(done.subarray(5), (m) => seen.push(m));
    expect(seen).toEqual([{ id: ID, kind: 'done', resultCode: 0, diagnostic: '', cookie: null }]);
    expect(decoder.hasPartial()).toBe(false);
  });

  it('a result other than success keeps its code and (bounded) diagnostic; no paged control means no cookie', () => {
    expect(decodeIn([message(7, searchDone(4, 'Size limit exceeded'))])).toEqual([
      { id: 7, kind: 'done', resultCode: 4, diagnostic: 'Size limit exceeded', cookie: null },
    ]);
    const [done] = decodeIn([message(7, searchDone(32, 'x'.repeat(10_000)), tlv(0xa0, control('1.2.3', false)))]);
    expect(done).toMatchObject({ resultCode: 32, cookie: null });
    expect((done as { diagnostic: string }).diagnostic).toHaveLength(200);
  });

  it('an empty cookie (the last page) is an empty buffer, an intermediate response is skipped', () => {
    const stream = Buffer.concat([message(3, tlv(0x79)), message(3, searchDone(0), tlv(0xa0, pagedControl(Buffer.alloc(0))))]);
    expect(decodeIn([stream])).toEqual([
      { id: 3, kind: 'skipped' },
      { id: 3, kind: 'done', resultCode: 0, diagnostic: '', cookie: Buffer.alloc(0) },
    ]);
  });

  it.each([
    ['something other than an LDAPMessage', Buffer.from([0x04, 0x01, 0x41]), /expected an LDAPMessage/],
    ['an indefinite length', Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00]), /indefinite/],
    ['a message over 64 MB', Buffer.from([0x30, 0x84, 0x05, 0x00, 0x00, 0x00]), /message of/],
    ['an element longer than its message', tlv(0x30, integer(1), Buffer.from([0x64, 0x7f, 0x04, 0x00])), /truncated/],
    ['an operation a search never gets (a bind response)', message(1, tlv(0x61, integer(0, 0x0a), octets(''), octets(''))), /unexpected protocol operation 0x61/],
    ['an entry whose attribute list is not a sequence', message(1, tlv(0x64, octets('uid=x'), octets('y'))), /expected tag 0x30/],
  ])('refuses %s', (_label, stream, error) => {
    expect(() => new ResponseDecoder().push(stream, () => undefined)).toThrow(error);
  });
});
