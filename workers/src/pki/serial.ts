import { randomBytes } from 'node:crypto';
import { unsignedInteger } from './der.js';
import { PkiInputError } from './errors.js';

/** Random bytes per serial: 127 bits of CSPRNG output once the top bit is cleared (CA/B Forum asks for ≥ 64). */
export const SERIAL_BYTES = 16;

export interface TSerial {
  /**
   * Canonical form for storage and lookups: lower-case hex of the value, without leading zero bytes. This is
   * the form a unique (ca_id, serial_hex) index must hold, and what `openssl x509 -serial` prints (upper case).
   */
  readonly hex: string;
  /** The DER INTEGER (tag, length, content), always positive. */
  readonly der: Buffer;
}

function fromValueBytes(bytes: Buffer): TSerial {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const value = bytes.subarray(start);
  if (value.length === 0) throw new PkiInputError('a certificate serial must not be zero');
  // RFC 5280 §4.1.2.2: at most 20 octets of content, and the content includes a leading 0x00 when one is needed.
  if (value.length > 20 || (value.length === 20 && value[0]! & 0x80)) throw new PkiInputError('serial longer than 20 octets');
  return { hex: value.toString('hex'), der: unsignedInteger(value) };
}

/**
 * A fresh serial. The top bit is cleared so the value reads as positive even in code that treats the first hex
 * digit as a sign (node-forge did), and an all-zero draw (p = 2^-127) is drawn again rather than trusted.
 */
export function generateSerial(): TSerial {
  for (;;) {
    const bytes = randomBytes(SERIAL_BYTES);
    bytes[0]! &= 0x7f;
    if (bytes.some((byte) => byte !== 0)) return fromValueBytes(bytes);
  }
}

/** Parses a stored or typed serial (any case, optional colons, as openssl prints them) into canonical form. */
export function parseSerialHex(input: string): TSerial {
  const digits = input.replace(/:/g, '');
  if (!/^[0-9a-fA-F]{1,42}$/.test(digits)) throw new PkiInputError('a serial must be hexadecimal');
  return fromValueBytes(Buffer.from(digits.length % 2 ? `0${digits}` : digits, 'hex'));
}
