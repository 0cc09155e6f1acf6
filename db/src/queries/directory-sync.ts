import { and, count, desc, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { copyRowsIfEmbedded, selectRows, type Db } from '../client.js';
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

/** One employee as loadSyncState reads it: TSyncEmployee's fields in this order. */
const STATE_COLUMNS = `e.id, e.directory_id, e.directory_dn, e.first_name, e.last_name, e.email, s.code, e.job_profile,
  m.directory_id, e.active, e.manually_deactivated, e.source`;
const STATE_FROM = `from ${getTableName(employees)} e
  join ${getTableName(services)} s on s.id = e.service_id
  left join ${getTableName(employees)} m on m.id = e.manager_id`;

/**
 * Everything a sync run plans against, read once while the directory is read: every employee (active or not,
 * managers by directory id), the known service codes and job profiles.
 * PGlite decodes a result field by field in JavaScript: 100,000 rows × 12 columns through the ORM took 2–3 s there
 * (0.5 s on PostgreSQL). So on PGlite the employees come as one COPY blob (copyRowsIfEmbedded); on PostgreSQL each
 * as ONE column, a JSON array (one text field per row and JSON.parse halved the time there too). JSON, not a
 * separator-joined string: any character a hand-typed name may hold round-trips, as it does through COPY's escapes.
 */
export async function loadSyncState(db: Db) {
  const copied = await copyRowsIfEmbedded(db, `select ${STATE_COLUMNS} ${STATE_FROM}`);
  const [tuples, serviceRows, profileRows] = await Promise.all([
    copied
      ? copied.map(fromCopyFields)
      : selectRows<{ employee: string }>(db, sql.raw(`select json_build_array(${STATE_COLUMNS})::text as employee ${STATE_FROM}`)).then((rows) =>
          rows.map(({ employee }) => JSON.parse(employee) as TSyncEmployeeTuple),
        ),
    db.select({ code: services.code }).from(services),
    db.select({ name: jobProfiles.name }).from(jobProfiles),
  ]);
  const current = new Map<string, TSyncEmployee>();
  for (const tuple of tuples) {
    const row = toSyncEmployee(tuple);
    current.set(row.directoryId, row);
  }
  return { current, serviceCodes: serviceRows.map((s) => s.code), jobProfiles: profileRows.map((p) => p.name) };
}

type TSyncEmployeeTuple = [
  id: string, directoryId: string, directoryDn: string | null, firstName: string, lastName: string, email: string | null,
  serviceCode: string, jobProfile: string, managerDirectoryId: string | null, active: boolean, manuallyDeactivated: boolean,
  source: TSyncEmployee['source'],
];

/** COPY text fields: the same tuple, booleans from 't'/'f' (the columns that are NOT NULL are never null). */
function fromCopyFields(fields: Array<string | null>): TSyncEmployeeTuple {
  const [id, directoryId, directoryDn, firstName, lastName, email, serviceCode, jobProfile, managerDirectoryId, active, manuallyDeactivated, source] = fields;
  return [
    id!, directoryId!, directoryDn ?? null, firstName!, lastName!, email ?? null, serviceCode!, jobProfile!, managerDirectoryId ?? null,
    active === 't', manuallyDeactivated === 't', source as TSyncEmployee['source'],
  ];
}

function toSyncEmployee(tuple: TSyncEmployeeTuple): TSyncEmployee {
  const [id, directoryId, directoryDn, firstName, lastName, email, serviceCode, jobProfile, managerDirectoryId, active, manuallyDeactivated, source] = tuple;
  return { id, directoryId, directoryDn, firstName, lastName, email, serviceCode, jobProfile, managerDirectoryId, active, manuallyDeactivated, source };
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
