import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { ASSET_TYPE_FOR_KIND, CHECKLISTS } from '../domain/request-workflow.js';
import { newId } from '../ids.js';
import { ASSET_TYPES, assets, kitRequestEvents, kitRequestItems, kitRequests } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import { WorkflowError, type TWorkflowUser } from './kit-requests.js';

export interface TAssetRow {
  type: string;
  model: string;
  serial: string;
  assetTag: string;
  location: string | null;
}
export interface TImportProblem {
  line: number;
  message: string;
}

const TEXT = /^[\p{L}\p{N} ._\-/()+#]{1,100}$/u;

/** Checks every row (and duplicates within the file and against the registry) before writing anything. */
export function validateAssetRows(rows: Record<string, string>[]): { valid: TAssetRow[]; problems: TImportProblem[] } {
  const problems: TImportProblem[] = [];
  const valid: TAssetRow[] = [];
  const seenTags = new Set<string>();
  rows.forEach((raw, index) => {
    const line = index + 2; // header is line 1
    const row = { type: raw.type?.trim() ?? '', model: raw.model?.trim() ?? '', serial: raw.serial?.trim() ?? '', assetTag: (raw.asset_tag ?? raw.assetTag ?? '').trim(), location: raw.location?.trim() || null };
    if (!(ASSET_TYPES as readonly string[]).includes(row.type)) problems.push({ line, message: `type "${row.type.slice(0, 40)}" is not one of ${ASSET_TYPES.join(', ')}` });
    for (const field of ['model', 'serial', 'assetTag'] as const) {
      if (!TEXT.test(row[field])) problems.push({ line, message: `${field} is missing or has characters that are not allowed` });
    }
    if (row.location !== null && !TEXT.test(row.location)) problems.push({ line, message: 'location has characters that are not allowed' });
    if (seenTags.has(row.assetTag)) problems.push({ line, message: `asset tag ${row.assetTag} appears twice in the file` });
    seenTags.add(row.assetTag);
    if (!problems.some((p) => p.line === line)) valid.push(row as TAssetRow);
  });
  return { valid, problems };
}

/** All or nothing: a file with any bad row imports nothing and says which rows are wrong. */
export async function importAssets(db: Db, params: { rows: Record<string, string>[]; actor: TActor }) {
  const { valid, problems } = validateAssetRows(params.rows);
  if (params.rows.length === 0) problems.push({ line: 1, message: 'the file has no rows' });
  const clashes = valid.length
    ? await db.select({ assetTag: assets.assetTag }).from(assets).where(inArray(assets.assetTag, valid.map((row) => row.assetTag)))
    : [];
  for (const clash of clashes) {
    const index = valid.findIndex((row) => row.assetTag === clash.assetTag);
    problems.push({ line: index + 2, message: `asset tag ${clash.assetTag} is already registered` });
  }
  if (problems.length) return { imported: 0, problems: problems.sort((a, b) => a.line - b.line) };
  await db.transaction(async (tx) => {
    await tx.insert(assets).values(valid.map((row) => ({ id: newId('asset'), ...row, type: row.type as (typeof ASSET_TYPES)[number] })));
    await writeAudit(tx, params.actor, { action: 'asset.import', targetType: 'asset', targetId: null, after: { count: valid.length, tags: valid.map((row) => row.assetTag).slice(0, 50) } });
  });
  return { imported: valid.length, problems: [] };
}

/** The hot-line picks an in-stock asset for a hardware item: the asset becomes the employee's. */
export async function assignAssetToItem(db: Db, params: { itemId: string; assetId: string; user: TWorkflowUser; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ item: kitRequestItems, request: kitRequests })
      .from(kitRequestItems)
      .innerJoin(kitRequests, eq(kitRequests.id, kitRequestItems.requestId))
      .where(eq(kitRequestItems.id, params.itemId))
      .for('update');
    if (!row) throw new WorkflowError('not_found', 'No such request item');
    if (row.request.status !== 'in_fulfilment') throw new WorkflowError('illegal_transition', 'Assets are assigned while the request is in fulfilment', { reason: 'assets-only-in-fulfilment', params: {} });
    const wanted = ASSET_TYPE_FOR_KIND[row.item.kind];
    if (!wanted) throw new WorkflowError('illegal_transition', `A ${row.item.kind} item takes no asset`, { reason: 'kind-takes-no-asset', params: { kind: row.item.kind } });
    if (row.item.assetId) throw new WorkflowError('conflict', 'This item already has an asset', { reason: 'item-has-asset', params: {} });
    const [asset] = await tx
      .update(assets)
      .set({ status: 'assigned', assignedEmployeeId: row.request.employeeId, assignedAt: new Date() })
      .where(and(eq(assets.id, params.assetId), eq(assets.status, 'in_stock'), eq(assets.type, wanted as (typeof ASSET_TYPES)[number])))
      .returning();
    if (!asset) throw new WorkflowError('conflict', `That asset is not an in-stock ${wanted}`, { reason: 'asset-not-in-stock', params: { type: wanted } });
    await tx.update(kitRequestItems).set({ assetId: asset.id, status: 'assigned' }).where(eq(kitRequestItems.id, params.itemId));
    await tx.insert(kitRequestEvents).values({
      id: newId('event'),
      requestId: row.request.id,
      itemId: params.itemId,
      actorUserId: params.user.id,
      actorName: params.user.displayName,
      action: 'assign-asset',
      comment: `${asset.model} · ${asset.assetTag} · S/N ${asset.serial}`,
    });
    await writeAudit(tx, params.actor, { action: 'asset.assign', targetType: 'asset', targetId: asset.id, before: { status: 'in_stock' }, after: { status: 'assigned', employeeId: row.request.employeeId, itemId: params.itemId } });
    return asset;
  });
}

/** Ticks (or unticks) installation checklist boxes; only boxes of the item's kind exist. */
export async function updateChecklist(db: Db, params: { itemId: string; ticks: Record<string, boolean>; user: TWorkflowUser; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ item: kitRequestItems, status: kitRequests.status })
      .from(kitRequestItems)
      .innerJoin(kitRequests, eq(kitRequests.id, kitRequestItems.requestId))
      .where(eq(kitRequestItems.id, params.itemId))
      .for('update');
    if (!row) throw new WorkflowError('not_found', 'No such request item');
    if (row.status !== 'ready_for_installation') throw new WorkflowError('illegal_transition', 'The checklist is filled in during installation', { reason: 'checklist-only-at-installation', params: {} });
    const allowed = CHECKLISTS[row.item.kind] ?? [];
    const unknown = Object.keys(params.ticks).filter((key) => !allowed.includes(key));
    if (unknown.length) throw new WorkflowError('conflict', `Unknown checklist entries for ${row.item.kind}: ${unknown.join(', ')}`, { reason: 'checklist-unknown-boxes', params: { kind: row.item.kind, boxes: unknown.join(',') } });
    const checklist = { ...row.item.checklist, ...params.ticks };
    const [item] = await tx.update(kitRequestItems).set({ checklist }).where(eq(kitRequestItems.id, params.itemId)).returning();
    await writeAudit(tx, params.actor, { action: 'request.checklist', targetType: 'kit-request', targetId: row.item.requestId, before: row.item.checklist, after: checklist });
    return item!;
  });
}
