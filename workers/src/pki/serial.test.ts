import { describe, expect, it } from 'vitest';
import { readNode, readUnsignedInteger } from './der-reader.js';
import { PkiInputError } from './errors.js';
import { generateSerial, parseSerialHex } from './serial.js';

describe('certificate serials', () => {
  it('are positive, non-zero, unique and minimal DER over 100,000 draws', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const serial = generateSerial();
      seen.add(serial.hex);
      const content = serial.der.subarray(2);
      // Tag INTEGER, short length, first content bit (the sign) clear, a 0x00 byte only when the next needs it.
      const wellFormed = serial.der[0] === 0x02 && serial.der[1] === content.length && (content[0]! & 0x80) === 0;
      const minimal = content[0] !== 0 || (content[1]! & 0x80) === 0x80;
      const roundTrips = readUnsignedInteger(readNode(serial.der, 0)).toString('hex') === serial.hex;
      if (!wellFormed || !minimal || !roundTrips || serial.hex.length > 32 || /^(00)*$/.test(serial.hex)) problems.push(serial.hex);
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBe(100_000);
  });

  it('keeps at least 64 bits of entropy: every bit below the top one varies', () => {
    let orAll = 0n;
    for (let i = 0; i < 2_000; i++) orAll |= BigInt(`0x${generateSerial().hex}`);
    expect(orAll).toBe((1n << 127n) - 1n);
  });

  it('parses stored and openssl-printed forms to one canonical hex', () => {
    expect(parseSerialHex('7A:3F:00:01').hex).toBe('7a3f0001');
    expect(parseSerialHex('00007a3f').hex).toBe('7a3f');
    expect(parseSerialHex('f').hex).toBe('0f');
    expect(parseSerialHex('ff').der.toString('hex')).toBe('020200ff');
  });

  it('refuses zero, non-hex and over-long serials', () => {
    for (const bad of ['0', '0000', 'xyz', '', 'ff'.repeat(20), '01'.repeat(21)]) {
      expect(() => parseSerialHex(bad), bad).toThrow(PkiInputError);
    }
    expect(parseSerialHex('7f'.repeat(20)).hex).toHaveLength(40);
  });
});
