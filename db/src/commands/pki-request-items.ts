import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { certificates, kitRequestEvents, kitRequestItems, kitRequests } from '../schema/index.js';
import type { TWorkflowUser } from './kit-requests.js';
import { insertStationCertificate, PkiCommandError, type TStationCertificateParams, type TStationCertificateResult } from './pki.js';

export type TItemCertificateParams = Omit<TStationCertificateParams, 'employeeId' | 'assetId' | 'issuanceKey'> & {
  requestId: string;
  itemId: string;
  issuanceKey: string | null;
  user: TWorkflowUser;
};

/**
 * The station certificate of a kit request's VPN item, bound to the laptop of the same request (its asset tag goes
 * in the subject). The item keeps the certificate id; it becomes `issued` when the worker finishes, and
 * "mark-ready" waits for that. The default issuance key is the item's, so a double click issues once.
 */
export async function requestCertificateForItem(db: Db, params: TItemCertificateParams): Promise<TStationCertificateResult> {
  return db.transaction(async (tx) => {
    const [request] = await tx.select().from(kitRequests).where(eq(kitRequests.id, params.requestId)).for('update');
    if (!request) throw new PkiCommandError('not_found', 'No such request');
    const items = await tx.select().from(kitRequestItems).where(eq(kitRequestItems.requestId, request.id));
    const item = items.find((candidate) => candidate.id === params.itemId);
    if (!item) throw new PkiCommandError('not_found', 'No such request item');
    if (item.kind !== 'vpn') throw new PkiCommandError('asset_unusable', 'Only VPN items get a station certificate', { reason: 'certificate-only-vpn', params: {} });
    if (request.status !== 'in_fulfilment') throw new PkiCommandError('not_installable', 'Certificates are issued while the request is in fulfilment', { reason: 'certificate-only-in-fulfilment', params: {} });
    const laptop = items.find((candidate) => candidate.kind === 'laptop');
    if (laptop && !laptop.assetId) throw new PkiCommandError('asset_unusable', 'Assign the laptop first: the certificate is bound to its asset tag', { reason: 'laptop-first', params: {} });
    const issuanceKey = params.issuanceKey ?? (await defaultItemKey(tx, item));
    const result = await insertStationCertificate(tx, { ...params, employeeId: request.employeeId, assetId: laptop?.assetId ?? null, issuanceKey });
    if (result.created && item.certificateId !== result.certificate.id) {
      await tx.update(kitRequestItems).set({ certificateId: result.certificate.id, status: 'pending' }).where(eq(kitRequestItems.id, item.id));
      await tx.insert(kitRequestEvents).values({
        id: newId('event'),
        requestId: request.id,
        itemId: item.id,
        actorUserId: params.user.id,
        actorName: params.user.displayName,
        action: 'certificate-requested',
        comment: result.certificate.commonName,
      });
    }
    return result;
  });
}

/** `item:<id>`, or a new key once the item's previous certificate was revoked (a re-issue is a new issuance). */
async function defaultItemKey(tx: Db, item: typeof kitRequestItems.$inferSelect): Promise<string> {
  if (!item.certificateId) return `item:${item.id}`;
  const [previous] = await tx.select({ status: certificates.status }).from(certificates).where(and(eq(certificates.id, item.certificateId)));
  return previous?.status === 'revoked' ? `item:${item.id}:after:${item.certificateId}` : `item:${item.id}`;
}
