import { and, count, desc, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog } from '../schema/index.js';

export interface TListAuditParams {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  pageSize: number;
}

export async function listAudit(db: Db, params: TListAuditParams) {
  const where = and(
    params.actor ? eq(auditLog.actorUsername, params.actor.toLowerCase()) : undefined,
    params.action ? eq(auditLog.action, params.action) : undefined,
    params.targetType ? eq(auditLog.targetType, params.targetType) : undefined,
    params.targetId ? eq(auditLog.targetId, params.targetId) : undefined,
    params.from ? gte(auditLog.at, params.from) : undefined,
    params.to ? lte(auditLog.at, params.to) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}
