import { and, asc, count, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { evaluateEligibility, todayInRome, type TEligibility } from '../domain/eligibility.js';
import { activities, agreements, employees, jobProfiles, services } from '../schema/index.js';

/** Which employees a reader may see. Decided by the API from the reader's roles; enforced here in SQL. */
export type TEmployeeScope =
  | { kind: 'all' }
  | { kind: 'team'; managerEmployeeId: string; serviceId: string }
  | { kind: 'self'; employeeId: string }
  | { kind: 'none' };

export function scopeCondition(scope: TEmployeeScope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'team':
      return or(
        eq(employees.managerId, scope.managerEmployeeId),
        eq(employees.serviceId, scope.serviceId),
        eq(employees.id, scope.managerEmployeeId),
      );
    case 'self':
      return eq(employees.id, scope.employeeId);
    case 'none':
      return sql`false`;
  }
}

// Allow-list: sort keys map to columns here, never to identifiers built from input (drizzle < 0.45.2 CVE).
const SORTS = {
  name: [asc(employees.lastName), asc(employees.firstName), asc(employees.id)],
  '-name': [desc(employees.lastName), desc(employees.firstName), desc(employees.id)],
  service: [asc(services.code), asc(employees.lastName), asc(employees.id)],
  '-service': [desc(services.code), asc(employees.lastName), asc(employees.id)],
  directoryId: [asc(employees.directoryId)],
  '-directoryId': [desc(employees.directoryId)],
} as const;
export type TEmployeeSort = keyof typeof SORTS;

export interface TListEmployeesParams {
  scope: TEmployeeScope;
  q?: string | undefined;
  serviceCode?: string | undefined;
  eligible?: boolean | undefined;
  active?: boolean | undefined;
  sort: TEmployeeSort;
  page: number;
  pageSize: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listEmployees(db: Db, params: TListEmployeesParams) {
  const words = (params.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
  const where = and(
    scopeCondition(params.scope),
    ...words.map((word) => ilike(employees.searchText, `%${escapeLike(word)}%`)),
    params.serviceCode ? eq(services.code, params.serviceCode) : undefined,
    params.eligible === undefined ? undefined : eq(employees.remoteEligible, params.eligible),
    params.active === undefined ? undefined : eq(employees.active, params.active),
  );
  const [rows, totals] = await Promise.all([
    db
      .select({
        id: employees.id,
        directoryId: employees.directoryId,
        firstName: employees.firstName,
        lastName: employees.lastName,
        email: employees.email,
        serviceCode: services.code,
        serviceName: services.name,
        jobProfile: employees.jobProfile,
        remoteEligible: employees.remoteEligible,
        active: employees.active,
      })
      .from(employees)
      .innerJoin(services, eq(services.id, employees.serviceId))
      .where(where)
      .orderBy(...SORTS[params.sort])
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(employees).innerJoin(services, eq(services.id, employees.serviceId)).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function countServiceActivities(db: Db, params: { serviceCode: string }) {
  const rows = await db
    .select({ mode: activities.mode, n: count() })
    .from(activities)
    .where(eq(activities.serviceCode, params.serviceCode))
    .groupBy(activities.mode);
  const byMode = { smart: 0, partial: 0, presence: 0, outsourced: 0 };
  for (const row of rows) byMode[row.mode] = row.n;
  return { ...byMode, total: rows.reduce((sum, row) => sum + row.n, 0) };
}

const managers = alias(employees, 'managers');

/** The employee with service, manager, agreement and eligibility — or null when missing or out of scope. */
export async function getEmployee(db: Db, params: { id: string; scope: TEmployeeScope; today?: string }) {
  const [row] = await db
    .select({ employee: employees, service: services, profile: jobProfiles, manager: managers })
    .from(employees)
    .innerJoin(services, eq(services.id, employees.serviceId))
    .innerJoin(jobProfiles, eq(jobProfiles.name, employees.jobProfile))
    .leftJoin(managers, eq(managers.id, employees.managerId))
    .where(and(eq(employees.id, params.id), scopeCondition(params.scope)))
    .limit(1);
  if (!row) return null;
  const [agreement] = await db.select().from(agreements).where(eq(agreements.employeeId, params.id)).limit(1);
  const agreementActivities = agreement?.activityIds.length
    ? await db
        .select({ id: activities.id, activity: activities.activity, mode: activities.mode })
        .from(activities)
        .where(sql`${activities.id} in ${agreement.activityIds}`)
    : [];
  const serviceActivities = await countServiceActivities(db, { serviceCode: row.service.code });
  const eligibility: TEligibility = evaluateEligibility({
    active: row.employee.active,
    jobProfile: row.employee.jobProfile,
    profileRemoteAllowed: row.profile.remoteAllowed,
    // The name reads better in "in the service «Polizia Municipale»…" than the two-letter code.
    serviceCode: row.service.name,
    serviceActivities: { total: serviceActivities.total, remote: serviceActivities.smart + serviceActivities.partial },
    agreement: agreement ? { startsOn: agreement.startsOn, endsOn: agreement.endsOn } : null,
    today: params.today ?? todayInRome(),
  });
  return { ...row, agreement: agreement ?? null, agreementActivities, serviceActivities, eligibility };
}

export async function listServicesWithCounts(db: Db) {
  return db
    .select({
      id: services.id,
      code: services.code,
      name: services.name,
      plannedHeadcount: services.plannedHeadcount,
      employees: sql<number>`count(${employees.id})::int`,
      eligible: sql<number>`count(${employees.id}) filter (where ${employees.remoteEligible})::int`,
    })
    .from(services)
    .leftJoin(employees, eq(employees.serviceId, services.id))
    .groupBy(services.id)
    .orderBy(asc(services.code));
}

export async function listActivities(db: Db, params: { serviceCode?: string | undefined }) {
  return db
    .select({ id: activities.id, macroActivity: activities.macroActivity, activity: activities.activity, mode: activities.mode })
    .from(activities)
    .where(params.serviceCode ? eq(activities.serviceCode, params.serviceCode) : undefined)
    .orderBy(asc(activities.id));
}
