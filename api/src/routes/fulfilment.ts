import { z } from 'zod';
import { assignAssetToItem, getKitRequest, importAssets, listAssets, listHotlineQueue, parseCsv, updateChecklist } from '@varco/db';
import { requestScopeOf, workflowUserOf } from '../auth/request-scope.js';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import {
  formatRequestNumber,
  ZAssetImport,
  ZAssetImportResult,
  ZAssetPage,
  ZAssetQuery,
  ZAssignAsset,
  ZChecklistUpdate,
  ZQueuePage,
  ZQueueQuery,
  ZRequestDetail,
} from '../contract/requests.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { requestDetail, toApiError } from './requests.js';

const ZItemParams = z.object({
  id: z.string().regex(/^req_[0-9a-z]{10,32}$/, 'must be an id starting with req_'),
  itemId: z.string().regex(/^itm_[0-9a-z]{10,32}$/, 'must be an id starting with itm_'),
});

const queue = defineRoute('queue:read', {
  method: 'get', path: '/api/queue', tags: ['fulfilment'], summary: "The hot-line's work queue: items waiting, oldest first, with SLA timers",
  request: { query: ZQueueQuery }, responses: { 200: jsonResponse(ZQueuePage, 'A page of waiting items') },
});
const assetList = defineRoute('assets:read', {
  method: 'get', path: '/api/assets', tags: ['fulfilment'], summary: 'The asset registry (search by tag or serial)',
  request: { query: ZAssetQuery }, responses: { 200: jsonResponse(ZAssetPage, 'A page of assets') },
});
const assetImport = defineRoute('assets:write', {
  method: 'post', path: '/api/assets/import', tags: ['fulfilment'], summary: 'Import serials from CSV (type,model,serial,asset_tag,location); all or nothing, with a per-row report',
  request: { body: jsonBody(ZAssetImport) }, responses: { 200: jsonResponse(ZAssetImportResult, 'Imported'), 422: jsonResponse(ZAssetImportResult, 'Nothing imported: see problems') },
});
const assign = defineRoute('requests:fulfil', {
  method: 'post', path: '/api/requests/{id}/items/{itemId}/asset', tags: ['fulfilment'], summary: 'Assign an in-stock asset to a hardware item',
  request: { params: ZItemParams, body: jsonBody(ZAssignAsset) }, responses: { 200: jsonResponse(ZRequestDetail, 'Assigned'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not possible now') },
});
const checklist = defineRoute('requests:fulfil', {
  method: 'put', path: '/api/requests/{id}/items/{itemId}/checklist', tags: ['fulfilment'], summary: 'Tick installation checklist boxes of an item',
  request: { params: ZItemParams, body: jsonBody(ZChecklistUpdate) }, responses: { 200: jsonResponse(ZRequestDetail, 'Saved'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not possible now') },
});

async function ensureItemOfRequest(deps: TAppDeps, user: Parameters<typeof requestScopeOf>[0], params: { id: string; itemId: string }) {
  const found = await getKitRequest(deps.db, { id: params.id, scope: requestScopeOf(user) });
  if (!found || !found.items.some(({ item }) => item.id === params.itemId)) throw new ApiError('not_found', 'No such request item');
}

export function fulfilmentRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(queue, async (c) => {
      const query = c.req.valid('query');
      const user = c.get('session')!.user;
      const { rows, total } = await listHotlineQueue(deps.db, { ...query, assigneeUserId: query.mine === 'true' ? user.id : undefined });
      const now = Date.now();
      const items = rows.map((row) => {
        const ageHours = row.submittedAt ? Math.round(((now - row.submittedAt.getTime()) / 3_600_000) * 10) / 10 : 0;
        const slaHours = deps.config.slaHours[row.kind] ?? 72;
        return { ...row, number: formatRequestNumber(row.number, row.submittedAt ?? new Date()), submittedAt: row.submittedAt?.toISOString() ?? null, ageHours, slaHours, overdue: ageHours > slaHours };
      });
      return c.json({ items, page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(assetList, async (c) => {
      const query = c.req.valid('query');
      const { rows, total } = await listAssets(deps.db, query);
      return c.json({ items: rows, page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(assetImport, async (c) => {
      const records = parseCsv(c.req.valid('json').csv);
      const [header, ...lines] = records;
      const rows = lines.filter((line) => line.some((cell) => cell.trim())).map((line) => Object.fromEntries((header ?? []).map((name, i) => [name.trim().toLowerCase(), line[i] ?? ''])));
      const result = await importAssets(deps.db, { rows, actor: actorOf(c.var) });
      return c.json(result, result.problems.length ? 422 : 200);
    })
    .openapi(assign, async (c) => {
      const params = c.req.valid('param');
      const user = c.get('session')!.user;
      await ensureItemOfRequest(deps, user, params);
      await assignAssetToItem(deps.db, { itemId: params.itemId, assetId: c.req.valid('json').assetId, user: workflowUserOf(user), actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await requestDetail(deps, user, params.id), 200);
    })
    .openapi(checklist, async (c) => {
      const params = c.req.valid('param');
      const user = c.get('session')!.user;
      await ensureItemOfRequest(deps, user, params);
      await updateChecklist(deps.db, { itemId: params.itemId, ticks: c.req.valid('json').ticks, user: workflowUserOf(user), actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await requestDetail(deps, user, params.id), 200);
    });
}
