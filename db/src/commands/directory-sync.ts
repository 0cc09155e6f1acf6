/**
 * Applies a directory sync plan: ALL OR NOTHING, in one transaction — a run is never half-applied.
 *
 * Order inside the transaction:
 * 1. lock the run row (`for update`): it must be running and not a dry run, so a second delivery of the job, or a
 *    run cancelled meanwhile, changes nothing;
 * 2. create new people in batches (see insertEmployees), managers before their reports so the manager can be set in
 *    the same insert; a second pass sets by directory id whatever could not be (cycles), and the manager changes of
 *    existing people — so the plan's order never matters;
 * 3. update names, e-mail, service (a "move"), job profile (→ remote eligibility from `job_profiles`) and source;
 *    `search_text` is recomputed as the seed builds it: lower-case "first last email directoryId";
 * 4. disable leavers (never a `manually_deactivated` person) and open their deprovisioning cases
 *    (deprovisioning.ts), one audit row per person;
 * 5. re-enable returners (again never a manually deactivated person), one audit row per person;
 * 6. finish the run row (counts, duration, high-water mark) and write one `directory.sync` audit row.
 * Creates and updates get no audit row each: the run row and its audit row carry the counts (a first sync of
 * 100,000 people must not write 100,000 audit rows); disables and re-enables are audited one by one.
 *
 * Counts: created, updated (every updated person, moves included), moved (service changed), disabled, reenabled,
 * deprovisioningCases (opened by this run), plus what the caller reports (unchanged, errors, entries, …).
 */
import { and, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { selectRows, type Db } from '../client.js';
import { newId } from '../ids.js';
import type { TSyncFields } from '../queries/directory-sync.js';
import { directorySyncRuns, employees, jobProfiles, services, sessions, users } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import { openDeprovisioningCases } from './deprovisioning.js';
import { DirectorySyncError, MAX_STORED_PROBLEMS, type TPlannedDisableRef, type TSyncProblem } from './directory-sync-runs.js';

/** What to change: the planner's `TSyncPlan` fits this shape as it is. */
export interface TSyncChanges {
  create: readonly { directoryId: string; dn: string; fields: TSyncFields }[];
  update: readonly {
    employeeId: string;
    directoryId: string;
    changed: readonly string[];
    set: Partial<TSyncFields> & { source?: 'seed' | 'directory' | 'manual'; directoryDn?: string | null };
  }[];
  disable: readonly TPlannedDisableRef[];
  reenable: readonly { employeeId: string; directoryId: string }[];
}

export interface TSyncApplyReport {
  entriesRead: number;
  /** When the job started on the run: the recorded duration includes reading and planning. */
  startedAt: Date;
  highWaterMark: string | null;
  /** Counts only the plan knows (unchanged, errors, entries, …); the applied ones are added here. */
  counts: Record<string, number>;
  problems: readonly TSyncProblem[];
}

const CREATE_BATCH = 5000;
const UPDATE_BATCH = 500;
const MANAGER_BATCH = 1000;
const RUN_TARGET = 'directory-sync-run';

/**
 * Between two batch statements: let the event loop turn. PGlite runs each statement synchronously in this process,
 * so without it a 100,000-person apply froze the process (timers, BullMQ's job-lock renewal, HTTP) for its whole
 * length. Requests that need the database still wait for the transaction — PGlite has one connection.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lower-case "first last email directoryId": what the employees search box matches (same as the demo seed). */
export function employeeSearchText(person: { firstName: string; lastName: string; email: string | null; directoryId: string }): string {
  return [person.firstName, person.lastName, person.email, person.directoryId].filter(Boolean).join(' ').toLowerCase();
}

/**
 * `updated` counts people whose directory-owned fields changed (moves included); `dnRefreshed` those whose only change
 * is the stored DN (a renamed entry, or the first run after `directory_dn` was added): bookkeeping, not a change to
 * report — the planner counts them as unchanged too.
 */
export function updateCounts(updates: TSyncChanges['update']) {
  let dnRefreshed = 0;
  let moved = 0;
  for (const update of updates) {
    if (update.changed.length === 1 && update.changed[0] === 'dn') dnRefreshed += 1;
    if (update.changed.includes('service')) moved += 1;
  }
  return { updated: updates.length - dnRefreshed, moved, dnRefreshed };
}

interface TLookups {
  serviceIds: Map<string, string>;
  remoteAllowed: Map<string, boolean>;
}

async function loadLookups(tx: Db): Promise<TLookups> {
  const serviceRows = await tx.select({ id: services.id, code: services.code }).from(services);
  const profileRows = await tx.select({ name: jobProfiles.name, remoteAllowed: jobProfiles.remoteAllowed }).from(jobProfiles);
  return {
    serviceIds: new Map(serviceRows.map((s) => [s.code, s.id])),
    remoteAllowed: new Map(profileRows.map((p) => [p.name, p.remoteAllowed])),
  };
}

function serviceIdOf(lookups: TLookups, code: string): string {
  const id = lookups.serviceIds.get(code);
  if (!id) throw new DirectorySyncError('conflict', `Service ${code} no longer exists`);
  return id;
}

function remoteAllowedOf(lookups: TLookups, profile: string): boolean {
  const allowed = lookups.remoteAllowed.get(profile);
  if (allowed === undefined) throw new DirectorySyncError('conflict', `Job profile ${profile} no longer exists`);
  return allowed;
}

export async function applySyncPlan(db: Db, params: { runId: string; plan: TSyncChanges; report: TSyncApplyReport; actor: TActor }) {
  const { plan, report, actor } = params;
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(directorySyncRuns).where(eq(directorySyncRuns.id, params.runId)).for('update');
    if (!run) throw new DirectorySyncError('not_found', 'No such directory sync run');
    if (run.status !== 'running' || run.dryRun) throw new DirectorySyncError('conflict', `This run is ${run.status}${run.dryRun ? ' (dry run)' : ''}: nothing applied`);
    const lookups = await loadLookups(tx);
    await withBulkLoadPrepared(tx, plan.create.length + plan.update.length, async () => {
      const leftovers = await insertEmployees(tx, plan.create, lookups);
      await updateEmployees(tx, plan.update, lookups);
      await assignManagers(tx, [
        ...leftovers,
        ...plan.update.filter((u) => u.set.managerDirectoryId !== undefined).map((u) => [u.directoryId, u.set.managerDirectoryId ?? null] as const),
      ]);
    });
    const disabled = await disableEmployees(tx, plan.disable, run.id, actor);
    const reenabled = await reenableEmployees(tx, plan.reenable, run.id, actor);
    const counts = {
      ...report.counts,
      created: plan.create.length,
      ...updateCounts(plan.update),
      disabled: disabled.disabled,
      reenabled,
      deprovisioningCases: disabled.casesOpened,
    };
    const [finished] = await tx
      .update(directorySyncRuns)
      .set({
        status: 'succeeded',
        counts,
        entriesRead: report.entriesRead,
        problems: report.problems.slice(0, MAX_STORED_PROBLEMS),
        highWaterMark: report.highWaterMark,
        finishedAt: new Date(),
        durationMs: Math.max(0, Date.now() - report.startedAt.getTime()),
      })
      .where(eq(directorySyncRuns.id, run.id))
      .returning();
    await writeAudit(tx, actor, { action: 'directory.sync', targetType: RUN_TARGET, targetId: run.id, after: { outcome: 'succeeded', mode: run.mode, counts } });
    return { run: finished!, counts };
  });
}

/** From this many created + updated people on, the employees' foreign keys and plain indexes are set up once. */
export const BULK_LOAD_ROWS = 5000;

/**
 * Three foreign keys (service, job profile, manager) are checked row by row on every insert and on every update that
 * sets them, and three plain indexes (service, manager, name) grow row by row: most of a 100,000-person first sync's
 * insert time (PGlite, 100k rows: 4.3 s with per-row checks, 1.8 s loaded without and validated after; the indexes
 * another 0.25 s of 2.0 s). From BULK_LOAD_ROWS on, the foreign keys and the non-unique indexes are dropped for the
 * load and added back with their exact definitions (`pg_get_constraintdef`, `pg_get_indexdef`): one validating query
 * per key and one sort per index instead of work per row. The primary key and the unique directory id stay (the load
 * relies on them). A violation aborts the transaction, so the run stays all-or-nothing. The price: ALTER TABLE holds
 * the employees table (ACCESS EXCLUSIVE) until the transaction ends — readers wait for a big first sync, as they
 * always do on PGlite — and needs the table's owner; without that right (caught by a savepoint) the load keeps the
 * per-row work.
 */
async function withBulkLoadPrepared(tx: Db, rows: number, load: () => Promise<void>): Promise<void> {
  if (rows < BULK_LOAD_ROWS) return load();
  const table = sql.identifier(getTableName(employees));
  const [keys, indexes] = await Promise.all([
    selectRows<{ name: string; definition: string }>(
      tx,
      sql`select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
           where conrelid = ${getTableName(employees)}::regclass and contype = 'f' order by conname`,
    ),
    selectRows<{ name: string; definition: string }>(
      tx,
      sql`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i join pg_class c on c.oid = i.indexrelid
           where i.indrelid = ${getTableName(employees)}::regclass and not i.indisunique and not i.indisprimary order by c.relname`,
    ),
  ]);
  if (!keys.length && !indexes.length) return load();
  await tx.execute(sql`savepoint bulk_load`);
  try {
    if (keys.length) await tx.execute(sql`alter table ${table} ${sql.join(keys.map((key) => sql`drop constraint ${sql.identifier(key.name)}`), sql`, `)}`);
    if (indexes.length) await tx.execute(sql`drop index ${sql.join(indexes.map((index) => sql.identifier(index.name)), sql`, `)}`);
  } catch {
    await tx.execute(sql`rollback to savepoint bulk_load`);
    return load();
  }
  await tx.execute(sql`release savepoint bulk_load`);
  await load();
  for (const index of indexes) await tx.execute(sql.raw(index.definition));
  if (keys.length) {
    await tx.execute(sql`alter table ${table} ${sql.join(keys.map((key) => sql`add constraint ${sql.identifier(key.name)} ${sql.raw(key.definition)}`), sql`, `)}`);
  }
}

/**
 * Inserts the new people with their managers already set where possible: rows are ordered so that a manager created
 * in this run comes before their reports (the foreign key is checked at the end of each statement, so a manager in
 * the same batch is fine too). Whoever cannot be ordered (a management cycle in the directory, a manager that does
 * not exist) is inserted without a manager and returned for the second pass.
 * One statement per CREATE_BATCH rows with one array parameter per column (unnest): a multi-row VALUES list
 * would bind 11 parameters per row, which costs PGlite 3–4× more for the same rows.
 */
async function insertEmployees(tx: Db, creates: TSyncChanges['create'], lookups: TLookups): Promise<TManagerPair[]> {
  const ids = new Map(creates.map((c) => [c.directoryId, newId('employee')]));
  const outside = [...new Set(creates.map((c) => c.fields.managerDirectoryId).filter((m): m is string => m !== null && !ids.has(m)))];
  const existing = await idsByDirectoryId(tx, outside);
  const { ordered, unordered } = managersFirst(creates, ids);
  const leftovers: TManagerPair[] = [];
  const managerIdOf = (create: TSyncChanges['create'][number]) => {
    const manager = create.fields.managerDirectoryId;
    if (manager === null) return null;
    const id = unordered.has(create.directoryId) ? undefined : (existing.get(manager) ?? ids.get(manager));
    if (id === undefined) leftovers.push([create.directoryId, manager]);
    return id ?? null;
  };
  for (let start = 0; start < ordered.length; start += CREATE_BATCH) {
    const batch = ordered.slice(start, start + CREATE_BATCH);
    const column = <T>(value: (create: TSyncChanges['create'][number]) => T) => sql.param(batch.map(value));
    await tx.execute(sql`
      insert into ${employees} (id, directory_id, directory_dn, first_name, last_name, email, service_id, manager_id,
                                job_profile, remote_eligible, source, search_text)
      select * from unnest(
        ${column((c) => ids.get(c.directoryId)!)}::text[], ${column((c) => c.directoryId)}::text[], ${column((c) => c.dn)}::text[],
        ${column((c) => c.fields.firstName)}::text[], ${column((c) => c.fields.lastName)}::text[],
        ${column((c) => c.fields.email)}::text[], ${column((c) => serviceIdOf(lookups, c.fields.serviceCode))}::text[],
        ${column(managerIdOf)}::text[], ${column((c) => c.fields.jobProfile)}::text[],
        ${column((c) => remoteAllowedOf(lookups, c.fields.jobProfile))}::boolean[], ${column(() => 'directory')}::text[],
        ${column((c) => employeeSearchText({ ...c.fields, directoryId: c.directoryId }))}::text[])`);
    await yieldToEventLoop();
  }
  return leftovers;
}

type TManagerPair = readonly [directoryId: string, managerDirectoryId: string | null];

/** Creates in breadth-first order from the people whose manager is not created in this run. */
function managersFirst(creates: TSyncChanges['create'], created: ReadonlyMap<string, string>) {
  const reports = new Map<string, TSyncChanges['create'][number][]>();
  const ordered: TSyncChanges['create'][number][] = [];
  for (const create of creates) {
    const manager = create.fields.managerDirectoryId;
    if (manager !== null && created.has(manager) && manager !== create.directoryId) {
      const list = reports.get(manager);
      if (list) list.push(create);
      else reports.set(manager, [create]);
    } else {
      ordered.push(create);
    }
  }
  for (let next = 0; next < ordered.length; next++) {
    for (const report of reports.get(ordered[next]!.directoryId) ?? []) ordered.push(report);
    reports.delete(ordered[next]!.directoryId);
  }
  const unordered = new Set<string>();
  for (const cycle of reports.values()) {
    for (const create of cycle) {
      unordered.add(create.directoryId);
      ordered.push(create);
    }
  }
  return { ordered, unordered };
}

async function idsByDirectoryId(tx: Db, directoryIds: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < directoryIds.length; start += MANAGER_BATCH) {
    const rows = await tx
      .select({ id: employees.id, directoryId: employees.directoryId })
      .from(employees)
      .where(inArray(employees.directoryId, directoryIds.slice(start, start + MANAGER_BATCH)));
    for (const row of rows) found.set(row.directoryId, row.id);
  }
  return found;
}

/**
 * One `update … from unnest(…)` per batch: the current rows are read (and locked), the planned values laid over them,
 * and every directory-owned column written back — a first run after an upgrade may refresh 100,000 DNs at once.
 * A manager-only change is done by assignManagers.
 */
async function updateEmployees(tx: Db, updates: TSyncChanges['update'], lookups: TLookups): Promise<void> {
  for (let start = 0; start < updates.length; start += UPDATE_BATCH) {
    const batch = updates.slice(start, start + UPDATE_BATCH);
    const rows = await tx
      .select({
        id: employees.id, directoryId: employees.directoryId, directoryDn: employees.directoryDn, firstName: employees.firstName,
        lastName: employees.lastName, email: employees.email, serviceId: employees.serviceId, jobProfile: employees.jobProfile,
        remoteEligible: employees.remoteEligible, source: employees.source,
      })
      .from(employees)
      .where(inArray(employees.id, batch.map((u) => u.employeeId)))
      .for('update');
    const byId = new Map(rows.map((row) => [row.id, row]));
    const next = batch.map(({ employeeId, set }) => {
      const current = byId.get(employeeId);
      if (!current) throw new DirectorySyncError('conflict', `Employee ${employeeId} no longer exists`);
      const row = { ...current };
      if (set.firstName !== undefined) row.firstName = set.firstName;
      if (set.lastName !== undefined) row.lastName = set.lastName;
      if (set.email !== undefined) row.email = set.email;
      if (set.serviceCode !== undefined) row.serviceId = serviceIdOf(lookups, set.serviceCode);
      if (set.jobProfile !== undefined) {
        row.jobProfile = set.jobProfile;
        row.remoteEligible = remoteAllowedOf(lookups, set.jobProfile);
      }
      if (set.source !== undefined) row.source = set.source;
      if (set.directoryDn !== undefined) row.directoryDn = set.directoryDn;
      return { ...row, searchText: employeeSearchText(row) };
    });
    const column = <T>(value: (row: (typeof next)[number]) => T) => sql.param(next.map(value));
    await tx.execute(sql`
      update ${employees} as e
      set directory_dn = v.directory_dn, first_name = v.first_name, last_name = v.last_name, email = v.email,
          service_id = v.service_id, job_profile = v.job_profile, remote_eligible = v.remote_eligible, source = v.source,
          search_text = v.search_text, updated_at = now()
      from unnest(
        ${column((r) => r.id)}::text[], ${column((r) => r.directoryDn)}::text[], ${column((r) => r.firstName)}::text[],
        ${column((r) => r.lastName)}::text[], ${column((r) => r.email)}::text[], ${column((r) => r.serviceId)}::text[],
        ${column((r) => r.jobProfile)}::text[], ${column((r) => r.remoteEligible)}::boolean[], ${column((r) => r.source)}::text[],
        ${column((r) => r.searchText)}::text[])
        as v(id, directory_dn, first_name, last_name, email, service_id, job_profile, remote_eligible, source, search_text)
      where e.id = v.id`);
    await yieldToEventLoop();
  }
}

/** Sets managers by directory id in bulk: `null` (or a manager not found) clears the manager. */
async function assignManagers(tx: Db, pairs: readonly TManagerPair[]): Promise<void> {
  for (let start = 0; start < pairs.length; start += MANAGER_BATCH) {
    const batch = pairs.slice(start, start + MANAGER_BATCH);
    await tx.execute(sql`
      update ${employees} as e set manager_id = m.id
      from unnest(${sql.param(batch.map(([id]) => id))}::text[], ${sql.param(batch.map(([, manager]) => manager))}::text[])
        as v(directory_id, manager_directory_id)
      left join ${employees} as m on m.directory_id = v.manager_directory_id
      where e.directory_id = v.directory_id`);
    await yieldToEventLoop();
  }
}

async function disableEmployees(tx: Db, disables: readonly TPlannedDisableRef[], runId: string, actor: TActor) {
  const reasons = new Map(disables.map((d) => [d.employeeId, d.reason]));
  const done: { id: string; directoryId: string }[] = [];
  for (let start = 0; start < disables.length; start += UPDATE_BATCH) {
    const ids = disables.slice(start, start + UPDATE_BATCH).map((d) => d.employeeId);
    // Guarded again here: the plan was made before the transaction, someone may have deactivated a person by hand since.
    const rows = await tx
      .update(employees)
      .set({ active: false })
      .where(and(inArray(employees.id, ids), eq(employees.active, true), eq(employees.manuallyDeactivated, false)))
      .returning({ id: employees.id, directoryId: employees.directoryId });
    done.push(...rows);
  }
  await endAccessOf(tx, done.map((row) => row.id));
  const cases = await openDeprovisioningCases(tx, { people: done.map((row) => ({ employeeId: row.id, reason: reasons.get(row.id)! })), runId });
  let casesOpened = 0;
  for (const row of done) {
    const opened = cases.get(row.id);
    if (opened?.isNew) casesOpened += 1;
    await writeAudit(tx, actor, {
      action: 'directory.disable',
      targetType: 'employee',
      targetId: row.id,
      before: { active: true },
      after: { active: false, reason: reasons.get(row.id), directoryId: row.directoryId, runId, caseId: opened?.caseId ?? null },
    });
  }
  return { disabled: done.length, casesOpened };
}

/**
 * A leaver loses console access at once: their sessions end, and a local account linked to them is disabled
 * (directory accounts are refused by the directory itself). Re-enabling the employee does not re-enable a local
 * account: an administrator decides.
 */
async function endAccessOf(tx: Db, employeeIds: string[]) {
  for (let start = 0; start < employeeIds.length; start += UPDATE_BATCH) {
    const ids = employeeIds.slice(start, start + UPDATE_BATCH);
    const accounts = await tx.select({ id: users.id }).from(users).where(inArray(users.employeeId, ids));
    if (accounts.length === 0) continue;
    const userIds = accounts.map((account) => account.id);
    await tx.delete(sessions).where(inArray(sessions.userId, userIds));
    await tx.update(users).set({ disabled: true }).where(and(inArray(users.id, userIds), eq(users.source, 'local')));
  }
}

async function reenableEmployees(tx: Db, reenables: TSyncChanges['reenable'], runId: string, actor: TActor): Promise<number> {
  let count = 0;
  for (let start = 0; start < reenables.length; start += UPDATE_BATCH) {
    const ids = reenables.slice(start, start + UPDATE_BATCH).map((r) => r.employeeId);
    const rows = await tx
      .update(employees)
      .set({ active: true })
      .where(and(inArray(employees.id, ids), eq(employees.active, false), eq(employees.manuallyDeactivated, false)))
      .returning({ id: employees.id, directoryId: employees.directoryId });
    for (const row of rows) {
      await writeAudit(tx, actor, {
        action: 'directory.reenable',
        targetType: 'employee',
        targetId: row.id,
        before: { active: false },
        after: { active: true, directoryId: row.directoryId, runId },
      });
    }
    count += rows.length;
  }
  return count;
}
