import { constants } from 'node:fs';
import { appendFile, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { REVOCATION_REASONS, type TRevocationReason, type TRevokedEntry } from '../pki/index.js';

/**
 * What a database restore must not undo (TRAPS.md): the last CRL number published and every revocation published.
 * Both live in VARCO_DATA_DIR/pki, outside the database:
 *   crl-number        "<caId> <number>\n" — the highest CRL number ever published by this CA; rewritten atomically
 *   revocations.log   "<caId> <serialHex> <reason> <revokedAt ISO>\n" — append-only, one line per revocation
 * Every publication takes the higher of the database's number and the file's, plus one, and lists the union of the
 * database's revocations and the log's. A restored database therefore cannot move the number back nor un-revoke.
 */
export interface TCrlGuard {
  lastNumber(caId: string): Promise<bigint | null>;
  writeNumber(caId: string, crlNumber: bigint): Promise<void>;
  loggedRevocations(caId: string): Promise<TRevokedEntry[]>;
  appendRevocations(caId: string, entries: readonly TRevokedEntry[]): Promise<void>;
}

export function crlGuardIn(dataDir: string): TCrlGuard {
  const numberFile = join(dataDir, 'crl-number');
  const logFile = join(dataDir, 'revocations.log');
  return {
    async lastNumber(caId) {
      const text = await readOptional(numberFile);
      const [id, value] = text.trim().split(/\s+/);
      if (id !== caId || !value || !/^\d{1,48}$/.test(value)) return null;
      return BigInt(value);
    },
    async writeNumber(caId, crlNumber) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const temporary = `${numberFile}.tmp-${process.pid}`;
      const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
      try {
        await handle.writeFile(`${caId} ${crlNumber}\n`);
        await handle.sync(); // on disk before the CRL carrying the number is served
      } finally {
        await handle.close();
      }
      await rename(temporary, numberFile);
    },
    async loggedRevocations(caId) {
      const entries = new Map<string, TRevokedEntry>();
      for (const line of (await readOptional(logFile)).split('\n')) {
        const [id, serialHex, reason, at] = line.trim().split(' ');
        if (id !== caId || !serialHex || !reason || !at || !Object.hasOwn(REVOCATION_REASONS, reason)) continue;
        const revokedAt = new Date(at);
        if (Number.isFinite(revokedAt.getTime()) && !entries.has(serialHex)) entries.set(serialHex, { serialHex, reason: reason as TRevocationReason, revokedAt });
      }
      return [...entries.values()];
    },
    async appendRevocations(caId, list) {
      if (list.length === 0) return;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const lines = list.map((entry) => `${caId} ${entry.serialHex} ${entry.reason} ${entry.revokedAt.toISOString()}\n`).join('');
      await appendFile(logFile, lines, { mode: 0o600, flush: true });
    },
  };
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
