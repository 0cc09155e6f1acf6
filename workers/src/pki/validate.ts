import { isIP } from 'node:net';
import { PkiInputError } from './errors.js';

/**
 * Input checks shared by the certificate builder and the OpenVPN renderers. Values come from the database, but
 * the database got them from people and directories: a newline in a hostname would inject an OpenVPN directive,
 * a control character in a subject would confuse every log that prints it.
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** An LDH host name (RFC 1123), lower case, no trailing dot, no wildcard. */
export function isDnsName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => LABEL.test(label));
}

export function isHost(value: string): boolean {
  return isDnsName(value) || isIP(value) !== 0;
}

export function assertPort(port: number, what = 'port'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new PkiInputError(`${what} must be an integer in 1..65535`);
  return port;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Free text for a certificate field: trimmed, non-empty, bounded, without control characters. */
export function assertText(value: string, what: string, maxLength = 64): string {
  if (typeof value !== 'string' || value.trim() !== value || value.length === 0) {
    throw new PkiInputError(`${what} must be a non-empty string without surrounding spaces`);
  }
  if (value.length > maxLength) throw new PkiInputError(`${what} is longer than ${maxLength} characters`);
  if (CONTROL.test(value)) throw new PkiInputError(`${what} contains control characters`);
  return value;
}

/** A URI for a certificate SAN: ASCII, a scheme, no spaces or control characters. */
export function isSanUri(value: string): boolean {
  return value.length <= 512 && /^[a-z][a-z0-9+.-]*:[\x21-\x7e]+$/i.test(value);
}

export function assertDate(value: Date, what: string): Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) throw new PkiInputError(`${what} must be a valid date`);
  return value;
}

export function assertPositiveInteger(value: number, what: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new PkiInputError(`${what} must be an integer in 1..${max}`);
  return value;
}
