import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { deprovisioningCases, directorySyncRuns, employees, jobProfiles, jobRuns, services } from '../schema/index.js';

export type TSyncRun = typeof directorySyncRuns.$inferSelect;
export type TDeprovisioningCase = typeof deprovisioningCases.$inferSelect;

/** The job that runs directory syncs (its catalog name; db cannot import the workers package). */
export const SYNC_DIRECTORY_JOB = 'directory.sync-directory';

/** The employee fields a directory owns (the planner's `TEmployeeFields`; db cannot import the workers package). */
export interface TSyncFields {
  firstName: string;
  lastName: string;
  email: string | null;
  serviceCode: string;
  jobProfile: string;
  managerDirectoryId: string | null;
}

/** One employee as directory sync compares it: the shape of the planner's `TCurrentEmployee`. */
export interface TSyncEmployee extends TSyncFields {
  id: string;
  directoryId: string;
  directoryDn: string | null;
  active: boolean;
  manuallyDeactivated: boolean;
  source: 'seed' | 'directory' | 'manual';
}

/**
 * Everything a sync run plans against, read once before the directory is read: every employee (active or not,
 * managers by directory id), the known service codes and job profiles. One query per table: 100,000 employees
 * come back in one result, which is what the planner needs in memory anyway.
 */
export async function loadSyncState(db: Db) {
  const manager = alias(employees, 'manager');
  const [rows, serviceRows, profileRows] = await Promise.all([
    db
      .select({
        id: employees.id,
        directoryId: employees.directoryId,
        directoryDn: employees.directoryDn,
        firstName: employees.firstName,
        lastName: employees.lastName,
        email: employees.email,
        serviceCode: services.code,
        jobProfile: employees.jobProfile,
        managerDirectoryId: manager.directoryId,
        active: employees.active,
        manuallyDeactivated: employees.manuallyDeactivated,
        source: employees.source,
      })
      .from(employees)
      .innerJoin(services, eq(services.id, employees.serviceId))
      .leftJoin(manager, eq(manager.id, employees.managerId)),
    db.select({ code: services.code }).from(services),
    db.select({ name: jobProfiles.name }).from(jobProfiles),
  ]);
  const current = new Map<string, TSyncEmployee>();
  for (const row of rows) current.set(row.directoryId, row);
  return { current, serviceCodes: serviceRows.map((s) => s.code), jobProfiles: profileRows.map((p) => p.name) };
}

/**
 * What the last applied run left for the next one: the high-water mark of the newest succeeded non-dry run, and
 * how many entries the newest finished full read saw (the progress bar's estimate while the next run reads).
 */
export async function getSyncHistoryMarks(db: Db, params: { directoryKey: string }) {
  const [applied] = await db
    .select({ highWaterMark: directorySyncRuns.highWaterMark })
    .from(directorySyncRuns)
    .where(
      and(
        eq(directorySyncRuns.directoryKey, params.directoryKey),
        eq(directorySyncRuns.status, 'succeeded'),
        eq(directorySyncRuns.dryRun, false),
      ),
    )
    .orderBy(desc(directorySyncRuns.startedAt))
    .limit(1);
  const [read] = await db
    .select({ entriesRead: directorySyncRuns.entriesRead })
    .from(directorySyncRuns)
    .where(
      and(
        eq(directorySyncRuns.directoryKey, params.directoryKey),
        eq(directorySyncRuns.mode, 'full'),
        inArray(directorySyncRuns.status, ['succeeded', 'awaiting_confirmation']),
      ),
    )
    .orderBy(desc(directorySyncRuns.startedAt))
    .limit(1);
  return { highWaterMark: applied?.highWaterMark ?? null, estimatedEntries: read?.entriesRead || null };
}

export async function getSyncRun(db: Db, params: { id: string }): Promise<TSyncRun | null> {
  const [run] = await db.select().from(directorySyncRuns).where(eq(directorySyncRuns.id, params.id));
  return run ?? null;
}

export async function listSyncRuns(db: Db, params: { page: number; pageSize: number }) {
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(directorySyncRuns)
      .orderBy(desc(directorySyncRuns.startedAt), desc(directorySyncRuns.id))
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(directorySyncRuns),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

/**
 * The would-be changes a dry run recorded as its job result (capped lists). Found through the job's payload:
 * a dry run has exactly one job run, and the console reads this once per page view.
 */
export async function getSyncRunPreview(db: Db, params: { runId: string }): Promise<unknown> {
  const [row] = await db
    .select({ result: jobRuns.result })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, SYNC_DIRECTORY_JOB), sql`${jobRuns.payload}->>'runId' = ${params.runId}`))
    .orderBy(desc(jobRuns.createdAt))
    .limit(1);
  return row?.result ?? null;
}

/** A case with the few employee fields the console shows beside it. */
function selectCases(db: Db) {
  return db
    .select({
      case: deprovisioningCases,
      employee: {
        id: employees.id,
        directoryId: employees.directoryId,
        directoryDn: employees.directoryDn,
        firstName: employees.firstName,
        lastName: employees.lastName,
        active: employees.active,
      },
      serviceCode: services.code,
    })
    .from(deprovisioningCases)
    .innerJoin(employees, eq(employees.id, deprovisioningCases.employeeId))
    .innerJoin(services, eq(services.id, employees.serviceId));
}

export async function listDeprovisioningCases(
  db: Db,
  params: { status: 'open' | 'done' | 'all'; page: number; pageSize: number },
) {
  const where = params.status === 'all' ? undefined : eq(deprovisioningCases.status, params.status);
  const [rows, totals] = await Promise.all([
    selectCases(db)
      .where(where)
      .orderBy(desc(deprovisioningCases.openedAt), desc(deprovisioningCases.id))
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db.select({ total: count() }).from(deprovisioningCases).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function getDeprovisioningCase(db: Db, params: { id: string }) {
  const [row] = await selectCases(db).where(eq(deprovisioningCases.id, params.id));
  return row ?? null;
}
