/**
 * Leavers' checklists (`deprovisioning_cases`), opened by directory sync in the transaction that disables people.
 *
 * Steps and what opening a case does at once:
 * - revoke-certificates: done at once — every issued certificate of the person is revoked (cessationOfOperation)
 *   in this transaction, and ONE CRL publication per CA is queued for the whole batch, never one per person;
 *   not-needed when they hold none.
 * - disable-vpn: done at once (vpn_accounts.enabled = false in the same transaction), or not-needed.
 * - return-kit: pending with the asset tags still assigned to the person, or not-needed.
 * - release-extension: not-needed until telephony exists.
 * A case with nothing pending is opened already done. At most one open case per employee (partial unique index):
 * someone disabled again while a case is still open keeps that case (their VPN is disabled again all the same).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { assets, certificates, DEPROVISIONING_STEPS, deprovisioningCases, vpnAccounts } from '../schema/index.js';
import { REVOCATION_REASON_CODES } from '../domain/revocation.js';
import { SYSTEM_ACTOR, writeAudit, type TActor } from './audit.js';
import { addToOutbox } from './outbox.js';

const DEPROVISIONING_ACTOR: TActor = { ...SYSTEM_ACTOR, username: 'directory-sync' };
import { DirectorySyncError } from './directory-sync-runs.js';

export type TDeprovisioningStep = (typeof DEPROVISIONING_STEPS)[number];
export type TStepState = { status: 'pending' | 'done' | 'not-needed'; at?: string; note?: string };

const NOTE_MAX = 1000;

function groupBy<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(value(row));
    else map.set(key(row), [value(row)]);
  }
  return map;
}

const listNote = (items: string[]) => items.join(', ').slice(0, NOTE_MAX);

/**
 * Opens one case per employee (ids of people this transaction just disabled) and disables their VPN accounts.
 * Returns the case per employee: new, or the open case they already had.
 */
export async function openDeprovisioningCases(
  tx: Db,
  params: { people: readonly { employeeId: string; reason: string }[]; runId: string | null },
): Promise<Map<string, { caseId: string; isNew: boolean }>> {
  const opened = new Map<string, { caseId: string; isNew: boolean }>();
  const caIds = new Set<string>();
  for (let start = 0; start < params.people.length; start += 500) {
    const batch = params.people.slice(start, start + 500);
    const ids = batch.map((p) => p.employeeId);
    const now = new Date().toISOString();
    // One after another: a transaction is one connection.
    const issued = await tx
      .update(certificates)
      .set({ status: 'revoked', revokedAt: new Date(), revocationReason: REVOCATION_REASON_CODES.cessationOfOperation, bundleP12: null, bundleOtpSealed: null })
      .where(and(inArray(certificates.employeeId, ids), eq(certificates.status, 'issued')))
      .returning({ employeeId: certificates.employeeId, id: certificates.id, caId: certificates.caId, serialHex: certificates.serialHex });
    for (const cert of issued) {
      caIds.add(cert.caId);
      await writeAudit(tx, DEPROVISIONING_ACTOR, {
        action: 'certificate.revoke',
        targetType: 'certificate',
        targetId: cert.id,
        before: { status: 'issued' },
        after: { status: 'revoked', reason: 'cessationOfOperation', serialHex: cert.serialHex, runId: params.runId },
      });
    }
    const vpn = await tx
      .update(vpnAccounts)
      .set({ enabled: false })
      .where(and(inArray(vpnAccounts.employeeId, ids), eq(vpnAccounts.enabled, true)))
      .returning({ employeeId: vpnAccounts.employeeId, id: vpnAccounts.id });
    const kit = await tx
      .select({ employeeId: assets.assignedEmployeeId, tag: assets.assetTag })
      .from(assets)
      .where(and(inArray(assets.assignedEmployeeId, ids), eq(assets.status, 'assigned')));
    const certsOf = groupBy(issued, (r) => r.employeeId!, (r) => r.id);
    const vpnOf = groupBy(vpn, (r) => r.employeeId, (r) => r.id);
    const kitOf = groupBy(kit, (r) => r.employeeId!, (r) => r.tag);
    const rows = batch.map(({ employeeId, reason }) => {
      const certs = certsOf.get(employeeId);
      const accounts = vpnOf.get(employeeId);
      const tags = kitOf.get(employeeId);
      const steps: Record<TDeprovisioningStep, TStepState> = {
        'revoke-certificates': certs ? { status: 'done', at: now, note: listNote(certs) } : { status: 'not-needed' },
        'disable-vpn': accounts ? { status: 'done', at: now, note: listNote(accounts) } : { status: 'not-needed' },
        'return-kit': tags ? { status: 'pending', note: listNote(tags) } : { status: 'not-needed' },
        'release-extension': { status: 'not-needed' },
      };
      const done = Object.values(steps).every((step) => step.status !== 'pending');
      return {
        id: newId('deprovisioningCase'),
        employeeId,
        runId: params.runId,
        reason,
        steps,
        status: done ? ('done' as const) : ('open' as const),
        closedAt: done ? new Date() : null,
      };
    });
    const inserted = await tx
      .insert(deprovisioningCases)
      .values(rows)
      .onConflictDoNothing()
      .returning({ id: deprovisioningCases.id, employeeId: deprovisioningCases.employeeId });
    const insertedIds = new Set(inserted.map((r) => r.id));
    for (const row of rows) if (insertedIds.has(row.id)) opened.set(row.employeeId, { caseId: row.id, isNew: true });
    const kept = rows.filter((row) => !insertedIds.has(row.id)).map((row) => row.employeeId);
    if (kept.length) {
      const existing = await tx
        .select({ id: deprovisioningCases.id, employeeId: deprovisioningCases.employeeId })
        .from(deprovisioningCases)
        .where(and(inArray(deprovisioningCases.employeeId, kept), eq(deprovisioningCases.status, 'open')));
      for (const row of existing) opened.set(row.employeeId, { caseId: row.id, isNew: false });
    }
  }
  for (const caId of caIds) await addToOutbox(tx, 'pki.publish-crl', { caId, trigger: 'revocation' });
  return opened;
}

/** A person (hot-line, admin) marks a pending step done, with a note; the case closes when nothing is pending. */
export async function markDeprovisioningStep(
  db: Db,
  params: { caseId: string; step: TDeprovisioningStep; note: string | null; actor: TActor },
) {
  return db.transaction(async (tx) => {
    const [found] = await tx.select().from(deprovisioningCases).where(eq(deprovisioningCases.id, params.caseId)).for('update');
    if (!found) throw new DirectorySyncError('not_found', 'No such deprovisioning case');
    if (found.status !== 'open') throw new DirectorySyncError('conflict', 'This case is already closed');
    const current = found.steps[params.step];
    if (current?.status !== 'pending') throw new DirectorySyncError('conflict', `The step ${params.step} is not pending`);
    const note = params.note?.trim() ? params.note.trim().slice(0, NOTE_MAX) : current.note;
    const steps = { ...found.steps, [params.step]: { status: 'done', at: new Date().toISOString(), ...(note ? { note } : {}) } };
    const done = Object.values(steps).every((step) => step.status !== 'pending');
    const [updated] = await tx
      .update(deprovisioningCases)
      .set({ steps, status: done ? 'done' : 'open', closedAt: done ? new Date() : null })
      .where(and(eq(deprovisioningCases.id, found.id), eq(deprovisioningCases.status, 'open')))
      .returning();
    await writeAudit(tx, params.actor, {
      action: 'deprovisioning.step',
      targetType: 'deprovisioning-case',
      targetId: found.id,
      before: { step: params.step, status: current.status },
      after: { step: params.step, status: 'done', note: params.note?.trim() || null, caseStatus: updated!.status },
    });
    return updated!;
  });
}
