import { verify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAG } from './der.js';
import { children, content, readRoot, readTime, readUnsignedInteger, sequenceOf } from './der-reader.js';
import { assertCrlNumberIncreases, buildCrl, REVOCATION_REASONS, type TRevokedEntry } from './crl.js';
import { CrlNumberNotIncreasingError, PkiInputError } from './errors.js';
import type { TCaSigner } from './issuer.js';
import { OID } from './oids.js';
import { generateSerial } from './serial.js';
import { testCa } from './testing/fixtures.js';
import { readExtensions, single } from './x509-reader.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const WEEK = 7 * 86_400_000;
let ca: TCaSigner;
beforeAll(async () => {
  ca = await testCa('ec-p384');
});

function revokedList(count: number): TRevokedEntry[] {
  const reasons = Object.keys(REVOCATION_REASONS) as (keyof typeof REVOCATION_REASONS)[];
  return Array.from({ length: count }, (_, i) => ({
    serialHex: generateSerial().hex,
    revokedAt: new Date(NOW.getTime() - i * 1000),
    reason: reasons[i % reasons.length]!,
  }));
}

/** The CRL's TBS fields, read back with the strict reader. */
function readCrl(der: Buffer) {
  const [tbs, , signature] = sequenceOf(readRoot(der), 'CertificateList', 3);
  const fields = children(tbs!);
  const hasEntries = fields.length === 7;
  return {
    tbs: tbs!,
    signature: content(signature!).subarray(1),
    version: readUnsignedInteger(fields[0]!)[0],
    thisUpdate: readTime(fields[3]!),
    nextUpdate: readTime(fields[4]!),
    entries: hasEntries ? children(fields[5]!) : [],
    extensions: readExtensions(single(fields[hasEntries ? 6 : 5]!)),
  };
}

describe('buildCrl', () => {
  it('writes a signed v2 CRL with AKI and cRLNumber, back-dated thisUpdate and the given nextUpdate', () => {
    const crl = buildCrl({ ca, crlNumber: 42n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), revoked: revokedList(3) });
    const parsed = readCrl(crl.der);
    expect(parsed.version).toBe(1);
    expect(parsed.thisUpdate.getTime()).toBe(NOW.getTime() - 5 * 60_000);
    expect(parsed.nextUpdate.getTime()).toBe(NOW.getTime() + WEEK);
    expect([...parsed.extensions.keys()]).toEqual([OID.authorityKeyIdentifier, OID.cRLNumber]);
    expect(content(readRoot(parsed.extensions.get(OID.cRLNumber)!.valueDer))).toEqual(Buffer.from([42]));
    const caKey = new X509Certificate(ca.certificatePem).publicKey;
    expect(verify('sha384', parsed.tbs.buf.subarray(parsed.tbs.start, parsed.tbs.end), caKey, parsed.signature)).toBe(true);
    expect(crl.pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
  });

  it('omits the reason extension for "unspecified" and writes the RFC 5280 code otherwise', () => {
    const revoked: TRevokedEntry[] = [
      { serialHex: 'abcdef', revokedAt: NOW, reason: 'unspecified' },
      { serialHex: '0badc0de', revokedAt: NOW, reason: 'keyCompromise' },
      { serialHex: '77', revokedAt: NOW, reason: 'privilegeWithdrawn' },
    ];
    const entries = readCrl(buildCrl({ ca, crlNumber: 1n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), revoked }).der).entries;
    expect(children(entries[0]!)).toHaveLength(2);
    const reasonOf = (index: number) => {
      const extension = readExtensions(children(entries[index]!)[2]!).get(OID.cRLReason)!;
      const value = readRoot(extension.valueDer);
      expect(value.tag).toBe(TAG.ENUMERATED);
      return content(value)[0];
    };
    expect(reasonOf(1)).toBe(1);
    expect(reasonOf(2)).toBe(9);
    expect(readUnsignedInteger(children(entries[1]!)[0]!).toString('hex')).toBe('0badc0de');
  });

  it('leaves revokedCertificates out when nothing is revoked', () => {
    const parsed = readCrl(buildCrl({ ca, crlNumber: 2n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), revoked: [] }).der);
    expect(parsed.entries).toEqual([]);
    expect(parsed.extensions.has(OID.cRLNumber)).toBe(true);
  });

  it('builds 10,000 entries that read back in order, serials and dates intact (speed: npm run bench:pki)', () => {
    const revoked = revokedList(10_000);
    const crl = buildCrl({ ca, crlNumber: 3n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), revoked });
    const parsed = readCrl(crl.der);
    expect(parsed.entries).toHaveLength(10_000);
    const read = parsed.entries.map((entry) => {
      const [serial, revokedAt] = children(entry);
      return { serialHex: readUnsignedInteger(serial!).toString('hex'), revokedAt: readTime(revokedAt!).getTime() };
    });
    expect(read).toEqual(revoked.map((r) => ({ serialHex: r.serialHex.toLowerCase(), revokedAt: r.revokedAt.getTime() })));
    const caKey = new X509Certificate(ca.certificatePem).publicKey;
    expect(verify('sha384', parsed.tbs.buf.subarray(parsed.tbs.start, parsed.tbs.end), caKey, parsed.signature)).toBe(true);
  });

  it('refuses duplicates, unknown reasons (certificateHold), bad numbers and inverted dates', () => {
    const base = { ca, crlNumber: 4n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK) };
    const entry = { serialHex: 'abcd', revokedAt: NOW, reason: 'superseded' } as const;
    expect(() => buildCrl({ ...base, revoked: [entry, { ...entry, serialHex: 'ABCD' }] })).toThrow(PkiInputError);
    expect(() => buildCrl({ ...base, revoked: [{ ...entry, reason: 'certificateHold' as never }] })).toThrow(PkiInputError);
    expect(() => buildCrl({ ...base, crlNumber: -1n, revoked: [] })).toThrow(PkiInputError);
    expect(() => buildCrl({ ...base, crlNumber: 1n << 160n, revoked: [] })).toThrow(PkiInputError);
    expect(() => buildCrl({ ...base, nextUpdate: NOW, revoked: [] })).toThrow(PkiInputError);
    expect(() => buildCrl({ ...base, revoked: [{ ...entry, revokedAt: new Date(Number.NaN) }] })).toThrow(PkiInputError);
  });
});

describe('assertCrlNumberIncreases', () => {
  it('accepts the first CRL and any higher number', () => {
    expect(() => assertCrlNumberIncreases(null, 0n)).not.toThrow();
    expect(() => assertCrlNumberIncreases(41n, 42n)).not.toThrow();
  });

  it('throws a typed error on an equal or lower number (a restored backup)', () => {
    for (const next of [42n, 7n]) {
      const error = (() => {
        try {
          assertCrlNumberIncreases(42n, next);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(CrlNumberNotIncreasingError);
      expect(error).toMatchObject({ code: 'crl_number_not_increasing', last: 42n, next });
    }
  });
});
