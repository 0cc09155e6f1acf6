import { signTbs } from './algorithms.js';
import { CLOCK_SKEW_MS } from './certificate.js';
import { bitString, enumerated, explicit, integer, lengthOfLength, sequence, TAG, time, timeContentLength, toPem, writeHeader, writeTime } from './der.js';
import { CrlNumberNotIncreasingError, PkiInputError } from './errors.js';
import { authorityKeyIdentifier, extension } from './extensions.js';
import { loadIssuer, type TCaSigner } from './issuer.js';
import { OID } from './oids.js';
import { parseSerialHex } from './serial.js';
import { assertDate } from './validate.js';

/**
 * RFC 5280 §5.3.1 reason codes we let operators choose. certificateHold (6) is left out on purpose: a hold can be
 * lifted, and "un-revoking" is exactly what TRAPS.md warns a restored backup must never do. cACompromise (2),
 * removeFromCRL (8, delta CRLs only) and aACompromise (10) do not apply to station certificates.
 */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const;
export type TRevocationReason = keyof typeof REVOCATION_REASONS;

export interface TRevokedEntry {
  serialHex: string;
  revokedAt: Date;
  reason: TRevocationReason;
}

export interface TBuildCrlParams {
  ca: TCaSigner;
  crlNumber: bigint;
  thisUpdate: Date;
  /** OpenVPN refuses every client once this passes: re-sign long before (TRAPS.md). */
  nextUpdate: Date;
  revoked: readonly TRevokedEntry[];
}

export interface TBuiltCrl {
  der: Buffer;
  pem: string;
  /** As written: back-dated by CLOCK_SKEW_MS. */
  thisUpdate: Date;
  nextUpdate: Date;
}

const MIN_TIME_MS = Date.UTC(1950, 0, 1);
const MAX_TIME_MS = Date.UTC(10_000, 0, 1);
/** cRLNumber is at most 20 octets (RFC 5280 §5.2.3). */
const MAX_CRL_NUMBER = (1n << 159n) - 1n;

// Entry extensions are the same bytes for every entry with the same reason: build them once.
const reasonExtensions = new Map<TRevocationReason, Buffer>(
  Object.entries(REVOCATION_REASONS)
    .filter(([, code]) => code !== 0) // "unspecified" SHOULD be expressed by leaving the reason out (§5.3.1)
    .map(([name, code]) => [name as TRevocationReason, sequence(extension(OID.cRLReason, false, enumerated(code)))]),
);

/**
 * An X.509 v2 CRL, signed natively over the TBS bytes. Entries are written straight into one pre-sized buffer:
 * re-signing 10,000 revocations takes milliseconds, so it can run after every revocation (see README.md).
 */
export function buildCrl(params: TBuildCrlParams): TBuiltCrl {
  const issuer = loadIssuer(params.ca);
  assertCrlNumber(params.crlNumber);
  assertDate(params.thisUpdate, 'thisUpdate');
  assertDate(params.nextUpdate, 'nextUpdate');
  if (params.nextUpdate <= params.thisUpdate) throw new PkiInputError('nextUpdate must be after thisUpdate');
  const thisUpdate = new Date(Math.floor(params.thisUpdate.getTime() / 1000) * 1000 - CLOCK_SKEW_MS);
  const nextUpdate = new Date(Math.floor(params.nextUpdate.getTime() / 1000) * 1000);

  const fields = [integer(1), issuer.signature.identifierDer, issuer.subjectNameDer, time(thisUpdate), time(nextUpdate)];
  if (params.revoked.length > 0) fields.push(encodeRevokedCertificates(params.revoked));
  fields.push(
    explicit(0, sequence(authorityKeyIdentifier(issuer.keyId), extension(OID.cRLNumber, false, integer(params.crlNumber)))),
  );
  const tbs = sequence(...fields);
  const der = sequence(tbs, issuer.signature.identifierDer, bitString(signTbs(issuer.signature, issuer.privateKey, tbs)));
  return { der, pem: toPem('X509 CRL', der), thisUpdate, nextUpdate };
}

/** Canonical serial hex (lower case, even length, no leading zero byte, ≤ 20 octets): the fast path's input. */
const CANONICAL_SERIAL = /^(?:0[1-9a-f]|[1-9a-f][0-9a-f])(?:[0-9a-f]{2}){0,19}$/;

/**
 * revokedCertificates as one SEQUENCE, written into a single buffer sized in a first pass. Every entry is under
 * 128 bytes (serial ≤ 23, time ≤ 17, reason 14), so each has a two-byte header. 10,000 entries: a few ms.
 */
function encodeRevokedCertificates(revoked: readonly TRevokedEntry[]): Buffer {
  const serials = new Array<string>(revoked.length);
  const times = new Array<number>(revoked.length);
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i < revoked.length; i++) {
    const entry = revoked[i]!;
    const hex = CANONICAL_SERIAL.test(entry.serialHex) ? entry.serialHex : parseSerialHex(entry.serialHex).hex;
    if (seen.has(hex)) throw new PkiInputError(`serial ${hex} is listed twice`);
    seen.add(hex);
    if (!Object.hasOwn(REVOCATION_REASONS, entry.reason)) throw new PkiInputError(`unknown revocation reason ${String(entry.reason)}`);
    if (hex.length === 40 && hex.charCodeAt(0) >= 0x38) throw new PkiInputError('serial longer than 20 octets');
    serials[i] = hex;
    times[i] = assertDate(entry.revokedAt, 'revokedAt').getTime();
    if (times[i]! < MIN_TIME_MS || times[i]! >= MAX_TIME_MS) throw new PkiInputError('revokedAt is out of range');
    total += 2 + entryLength(hex, times[i]!, entry.reason);
  }
  const out = Buffer.allocUnsafe(1 + lengthOfLength(total) + total);
  let offset = writeHeader(out, TAG.SEQUENCE, total);
  for (let i = 0; i < revoked.length; i++) offset = writeEntry(out, offset, serials[i]!, times[i]!, revoked[i]!.reason);
  return out;
}

const needsSignByte = (hex: string): boolean => hex.charCodeAt(0) >= 0x38; // first nibble 8-f

function entryLength(hex: string, revokedAtMs: number, reason: TRevocationReason): number {
  return 2 + hex.length / 2 + (needsSignByte(hex) ? 1 : 0) + 2 + timeContentLength(revokedAtMs) + (reasonExtensions.get(reason)?.length ?? 0);
}

function writeEntry(out: Buffer, start: number, hex: string, revokedAtMs: number, reason: TRevocationReason): number {
  let offset = start;
  out[offset++] = TAG.SEQUENCE;
  out[offset++] = entryLength(hex, revokedAtMs, reason);
  const signByte = needsSignByte(hex);
  out[offset++] = TAG.INTEGER;
  out[offset++] = hex.length / 2 + (signByte ? 1 : 0);
  if (signByte) out[offset++] = 0;
  offset += out.write(hex, offset, 'hex');
  offset = writeTime(out, offset, revokedAtMs);
  const extension = reasonExtensions.get(reason);
  return extension ? offset + extension.copy(out, offset) : offset;
}

function assertCrlNumber(value: bigint): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_CRL_NUMBER) {
    throw new PkiInputError('crlNumber must be a bigint in 0..2^159-1');
  }
}

/**
 * Refuses a CRL number that does not go up. Call it with the last number ever published for this CA, read from
 * storage a backup restore cannot roll back; `last` is null before the first CRL.
 */
export function assertCrlNumberIncreases(last: bigint | null, next: bigint): void {
  assertCrlNumber(next);
  if (last !== null && next <= last) throw new CrlNumberNotIncreasingError(last, next);
}
