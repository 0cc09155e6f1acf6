import { describe, expect, it } from 'vitest';
import { enumerated, integer, namedBitString, oid, sequence, time, tlv, toPem, unsignedInteger } from './der.js';
import { children, DerError, readNode, readOid, readRoot, readTime, readUnsignedInteger } from './der-reader.js';
import { readPemBlocks, readSinglePem } from './pem.js';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('DER writer', () => {
  it('encodes INTEGERs minimally and never negative', () => {
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(integer(256))).toBe('02020100');
    expect(hex(integer(2n ** 64n))).toBe('0209010000000000000000');
    expect(hex(unsignedInteger(Buffer.from('0000ff', 'hex')))).toBe('020200ff');
    expect(hex(enumerated(9))).toBe('0a0109');
  });

  it('writes short and long lengths', () => {
    expect(hex(tlv(0x04, Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(tlv(0x04, Buffer.alloc(128))).slice(0, 6)).toBe('048180');
    expect(hex(tlv(0x04, Buffer.alloc(256))).slice(0, 8)).toBe('04820100');
    expect(hex(tlv(0x04, Buffer.alloc(70_000))).slice(0, 10)).toBe('0483011170');
  });

  it('round-trips OIDs, including large arcs', () => {
    for (const dotted of ['1.2.840.113549.1.1.11', '2.5.29.19', '1.3.6.1.4.1.311.60.2.1.3', '2.999.1']) {
      expect(readOid(readRoot(oid(dotted)))).toBe(dotted);
    }
  });

  it('writes keyUsage bits with the DER unused-bits count', () => {
    expect(hex(namedBitString([0]))).toBe('03020780'); // digitalSignature
    expect(hex(namedBitString([0, 2]))).toBe('030205a0'); // + keyEncipherment
    expect(hex(namedBitString([5, 6]))).toBe('03020106'); // keyCertSign + cRLSign
  });

  it('uses UTCTime through 2049 and GeneralizedTime from 2050, in whole seconds', () => {
    expect(time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1', 2)).toBe('491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1', 2)).toBe('20500101000000Z');
    for (const iso of ['1999-03-04T05:06:07Z', '2049-01-01T00:00:00Z', '2051-06-30T12:00:00Z']) {
      expect(readTime(readRoot(time(new Date(iso)))).toISOString()).toBe(new Date(iso).toISOString());
    }
  });
});

describe('DER reader refuses what is not strict DER', () => {
  const cases: [string, string][] = [
    ['indefinite length', '3080020100 0000'],
    ['non-minimal long length', '30810302 0100'],
    ['length with a leading zero byte', '3082000302 0100'],
    ['truncated content', '300502010002'],
    ['child running past its parent', '3003020201'],
    ['high tag number', '1f2a0100'],
  ];
  it.each(cases)('%s', (_name, input) => {
    const buffer = Buffer.from(input.replace(/ /g, ''), 'hex');
    expect(() => {
      const root = readRoot(buffer);
      if (root.tag & 0x20) children(root);
    }).toThrow(DerError);
  });

  it('refuses trailing bytes after the root', () => {
    expect(() => readRoot(Buffer.concat([sequence(integer(1)), Buffer.from([0])]))).toThrow(/trailing/);
  });

  it('refuses negative and non-minimal INTEGERs where unsigned ones are expected', () => {
    expect(() => readUnsignedInteger(readNode(Buffer.from('0201ff', 'hex'), 0))).toThrow(/negative/);
    expect(() => readUnsignedInteger(readNode(Buffer.from('0202007f', 'hex'), 0))).toThrow(/non-minimal/);
    expect(hex(readUnsignedInteger(readNode(Buffer.from('020200ff', 'hex'), 0)))).toBe('ff');
  });
});

describe('PEM', () => {
  const der = sequence(integer(42));
  const pem = toPem('CERTIFICATE', der);

  it('round-trips and tolerates surrounding whitespace and CRLF', () => {
    expect(readSinglePem(pem, ['CERTIFICATE'])).toEqual(der);
    expect(readSinglePem(`\r\n  ${pem.replace(/\n/g, '\r\n')}  \n`, ['CERTIFICATE'])).toEqual(der);
  });

  it('refuses text around or inside blocks, bad base64 and other labels', () => {
    expect(readPemBlocks(`subject=CN=x\n${pem}`)).toBeNull();
    expect(readPemBlocks(`${pem}garbage`)).toBeNull();
    expect(readPemBlocks(pem.replace('MAMCASo', 'MAM*ASo'))).toBeNull();
    expect(readPemBlocks(pem.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----'))).toBeNull();
    expect(readSinglePem(pem, ['X509 CRL'])).toBeNull();
    expect(readSinglePem(pem + pem, ['CERTIFICATE'])).toBeNull();
  });
});
