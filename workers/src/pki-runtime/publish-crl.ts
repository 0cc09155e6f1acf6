import { getCrlState, listRevokedCertificates, reapplyRevocations, revocationReasonName, saveCrl, withCrlLock, type Db } from '@varco/db';
import { assertCrlNumberIncreases, buildCrl, type TRevokedEntry } from '../pki/index.js';
import type { TActiveCa } from './ca-keyring.js';
import { crlGuardIn } from './crl-guard.js';
import type { TPkiSettings } from './settings.js';

export interface TPublishedCrl {
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  revokedCount: number;
  /** Revocations found in the log but not in the database (a restored backup): revoked again, not forgotten. */
  reapplied: number;
  /** The database's CRL number was behind the file's: a restored backup. The CRL still went up. */
  databaseWasBehind: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Signs and stores the next CRL of the active CA: number = max(database, guard file) + 1, entries = the database's
 * revocations ∪ the revocation log, thisUpdate back-dated by the engine, nextUpdate = now + PKI_CRL_DAYS. Under a
 * per-CA lock, so concurrent publications queue; the guard file is written before the transaction commits, so a
 * failed commit can only make the next number jump, never repeat.
 */
export async function publishCrl(db: Db, params: { active: TActiveCa; settings: TPkiSettings; now?: Date }): Promise<TPublishedCrl> {
  const { ca, signer } = params.active;
  const guard = crlGuardIn(params.settings.dataDir);
  return withCrlLock(db, { caId: ca.id }, async (tx) => {
    const [state, fileNumber, logged, stored] = await Promise.all([
      getCrlState(tx, { caId: ca.id }),
      guard.lastNumber(ca.id),
      guard.loggedRevocations(ca.id),
      listRevokedCertificates(tx, { caId: ca.id }),
    ]);
    const databaseNumber = state?.crlNumber ?? null;
    const last = [databaseNumber, fileNumber].reduce<bigint | null>((max, value) => (value !== null && (max === null || value > max) ? value : max), null);
    const next = (last ?? 0n) + 1n;
    assertCrlNumberIncreases(last, next);
    const revoked: TRevokedEntry[] = stored.map((row) => ({ serialHex: row.serialHex!, revokedAt: row.revokedAt!, reason: revocationReasonName(row.reason) ?? 'unspecified' }));
    const inDatabase = new Set(revoked.map((entry) => entry.serialHex));
    const lost = logged.filter((entry) => !inDatabase.has(entry.serialHex));
    const reapplied = lost.length ? await reapplyRevocations(tx, { caId: ca.id, entries: lost }) : 0;
    const inLog = new Set(logged.map((entry) => entry.serialHex));
    await guard.appendRevocations(ca.id, revoked.filter((entry) => !inLog.has(entry.serialHex)));
    const now = params.now ?? new Date();
    const crl = buildCrl({ ca: signer, crlNumber: next, thisUpdate: now, nextUpdate: new Date(now.getTime() + params.settings.crlDays * DAY_MS), revoked: [...revoked, ...lost] });
    await guard.writeNumber(ca.id, next);
    await saveCrl(tx, { caId: ca.id, crlNumber: next, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, der: crl.der, pem: crl.pem, revokedCount: revoked.length + lost.length });
    return {
      crlNumber: next,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revokedCount: revoked.length + lost.length,
      reapplied,
      databaseWasBehind: fileNumber !== null && (databaseNumber === null || databaseNumber < fileNumber),
    };
  });
}

/** Re-sign when less than half of the CRL's validity is left (or there is none): days ahead of any expiry. */
export function crlNeedsRefresh(state: { thisUpdate: Date; nextUpdate: Date } | null, now: Date): boolean {
  if (!state) return true;
  const validity = state.nextUpdate.getTime() - state.thisUpdate.getTime();
  return state.nextUpdate.getTime() - now.getTime() < validity / 2;
}

export type TCrlHealth = 'ok' | 'warning' | 'critical' | 'missing';

/** The dashboard card: red when under 2 days are left (or expired), amber when a refresh is overdue. */
export function crlHealth(state: { thisUpdate: Date; nextUpdate: Date } | null, now: Date): TCrlHealth {
  if (!state) return 'missing';
  const left = state.nextUpdate.getTime() - now.getTime();
  if (left < 2 * DAY_MS) return 'critical';
  return crlNeedsRefresh(state, now) ? 'warning' : 'ok';
}
