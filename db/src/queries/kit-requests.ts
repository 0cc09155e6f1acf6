import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { assets, employees, kitRequestEvents, kitRequestItems, kitRequests, services } from '../schema/index.js';
import type { TRequestStatus } from '../domain/request-workflow.js';

/** Who sees which requests: their own; an approver also their reports'; hot-line, IT managers and admins all. */
export type TRequestScope = { kind: 'all' } | { kind: 'own-and-reports'; employeeId: string } | { kind: 'own'; employeeId: string } | { kind: 'none' };

function scopeWhere(scope: TRequestScope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'own':
      return eq(kitRequests.employeeId, scope.employeeId);
    case 'own-and-reports':
      return or(eq(kitRequests.employeeId, scope.employeeId), eq(employees.managerId, scope.employeeId));
    case 'none':
      return sql`false`;
  }
}

export async function listKitRequests(
  db: Db,
  params: { scope: TRequestScope; status?: TRequestStatus[] | undefined; employeeId?: string | undefined; page: number; pageSize: number },
) {
  const where = and(
    scopeWhere(params.scope),
    params.status?.length ? inArray(kitRequests.status, params.status) : undefined,
    params.employeeId ? eq(kitRequests.employeeId, params.employeeId) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select({ request: kitRequests, employee: { id: employees.id, firstName: employees.firstName, lastName: employees.lastName }, serviceCode: services.code })
      .from(kitRequests)
      .innerJoin(employees, eq(employees.id, kitRequests.employeeId))
      .innerJoin(services, eq(services.id, employees.serviceId))
      .where(where)
      .orderBy(desc(kitRequests.createdAt), desc(kitRequests.id))
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(kitRequests).innerJoin(employees, eq(employees.id, kitRequests.employeeId)).where(where),
  ]);
  const ids = rows.map((row) => row.request.id);
  const items = ids.length ? await db.select({ requestId: kitRequestItems.requestId, kind: kitRequestItems.kind, status: kitRequestItems.status }).from(kitRequestItems).where(inArray(kitRequestItems.requestId, ids)) : [];
  return { rows: rows.map((row) => ({ ...row, items: items.filter((item) => item.requestId === row.request.id) })), total: totals[0]?.total ?? 0 };
}

/** One request with its items (and assets) and its timeline — or null when missing or out of scope. */
export async function getKitRequest(db: Db, params: { id: string; scope: TRequestScope }) {
  const [row] = await db
    .select({ request: kitRequests, employee: employees, serviceCode: services.code })
    .from(kitRequests)
    .innerJoin(employees, eq(employees.id, kitRequests.employeeId))
    .innerJoin(services, eq(services.id, employees.serviceId))
    .where(and(eq(kitRequests.id, params.id), scopeWhere(params.scope)));
  if (!row) return null;
  const [items, events] = await Promise.all([
    db.select({ item: kitRequestItems, asset: assets }).from(kitRequestItems).leftJoin(assets, eq(assets.id, kitRequestItems.assetId)).where(eq(kitRequestItems.requestId, params.id)).orderBy(asc(kitRequestItems.kind)),
    db.select().from(kitRequestEvents).where(eq(kitRequestEvents.requestId, params.id)).orderBy(asc(kitRequestEvents.at), asc(kitRequestEvents.id)),
  ]);
  return { ...row, items, events };
}

export const OPEN_STATUSES: TRequestStatus[] = ['submitted', 'approved', 'in_fulfilment', 'ready_for_installation', 'installed', 'delivered'];

/** The hot-line's work: items of requests waiting on the hot-line, oldest first. */
export async function listHotlineQueue(db: Db, params: { kind?: string | undefined; assigneeUserId?: string | undefined; page: number; pageSize: number }) {
  const where = and(
    inArray(kitRequests.status, ['approved', 'in_fulfilment', 'ready_for_installation', 'delivered']),
    params.kind ? eq(kitRequestItems.kind, params.kind as (typeof kitRequestItems.$inferSelect)['kind']) : undefined,
    params.assigneeUserId ? eq(kitRequests.assigneeUserId, params.assigneeUserId) : undefined,
  );
  const base = db
    .select({
      itemId: kitRequestItems.id,
      kind: kitRequestItems.kind,
      itemStatus: kitRequestItems.status,
      requestId: kitRequests.id,
      number: kitRequests.number,
      status: kitRequests.status,
      submittedAt: kitRequests.submittedAt,
      assigneeUserId: kitRequests.assigneeUserId,
      employeeName: sql<string>`${employees.firstName} || ' ' || ${employees.lastName}`,
      serviceCode: services.code,
    })
    .from(kitRequestItems)
    .innerJoin(kitRequests, eq(kitRequests.id, kitRequestItems.requestId))
    .innerJoin(employees, eq(employees.id, kitRequests.employeeId))
    .innerJoin(services, eq(services.id, employees.serviceId))
    .where(where);
  const [rows, totals] = await Promise.all([
    base.orderBy(asc(kitRequests.submittedAt), asc(kitRequestItems.id)).limit(params.pageSize).offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(kitRequestItems).innerJoin(kitRequests, eq(kitRequests.id, kitRequestItems.requestId)).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function listAssets(db: Db, params: { type?: string | undefined; status?: string | undefined; q?: string | undefined; page: number; pageSize: number }) {
  const where = and(
    params.type ? eq(assets.type, params.type as (typeof assets.$inferSelect)['type']) : undefined,
    params.status ? eq(assets.status, params.status as (typeof assets.$inferSelect)['status']) : undefined,
    params.q ? or(sql`${assets.assetTag} ilike ${`%${params.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`, sql`${assets.serial} ilike ${`%${params.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db.select().from(assets).where(where).orderBy(asc(assets.type), asc(assets.assetTag)).limit(params.pageSize).offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(assets).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}
