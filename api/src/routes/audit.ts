import { listAudit } from '@varco/db';
import { defineRoute, newRouter } from '../auth/route.js';
import { ZAuditPage, ZAuditQuery } from '../contract/audit.js';
import type { TAppDeps } from '../deps.js';

const list = defineRoute('audit:read', {
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  summary: 'The audit log, newest first, with filters',
  request: { query: ZAuditQuery },
  responses: { 200: { description: 'A page of audit entries', content: { 'application/json': { schema: ZAuditPage } } } },
});

export function auditRoutes(deps: TAppDeps) {
  return newRouter().openapi(list, async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listAudit(deps.db, {
      ...query,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    const items = rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actorUserId && row.actorUsername ? { id: row.actorUserId, username: row.actorUsername } : null,
      actorRole: row.actorRole,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before,
      after: row.after,
      requestId: row.requestId,
      ip: row.ip,
    }));
    return c.json({ items, page: query.page, pageSize: query.pageSize, total }, 200);
  });
}
