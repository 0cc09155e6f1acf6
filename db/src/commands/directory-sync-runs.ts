/**
 * The life of a directory sync run (`directory_sync_runs`), apart from applying it (directory-sync.ts).
 *
 *   requested ─► running ─┬─► succeeded              (applied, or a dry run that only recorded what it would do)
 *                         ├─► failed                 (read error, empty answer, abandoned: nothing changed)
 *                         └─► awaiting_confirmation  (would disable more than the limits)
 *                                   │  confirmSyncRun: back to running, the job reads the directory AGAIN
 *                                   ▼
 *                                running ─► succeeded when the new plan disables only people on the confirmed
 *                                           list; otherwise awaiting_confirmation again with the new list.
 * A newer applying run supersedes a run still awaiting confirmation (cancelled): a list confirmed days later
 * would describe a directory that no longer exists.
 *
 * Every transition is guarded by the status it leaves (`where status = …`), so a second delivery of the job or a
 * double click changes nothing. One run at a time per directory: the partial unique index on `status = 'running'`
 * refuses a second one (→ DirectorySyncError 'conflict').
 */
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { SYNC_DIRECTORY_JOB, type TSyncRun } from '../queries/directory-sync.js';
import { directorySyncRuns, employees } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import { addToOutbox } from './outbox.js';

export const DEFAULT_DIRECTORY_KEY = 'main';
/** A run still "running" this long after it started lost its worker (killed, Redis flushed): it no longer blocks. */
export const SYNC_RUN_STALE_MS = 3 * 3_600_000;
/** Per-entry problems kept on the run (the count is always complete in `counts.errors`). */
export const MAX_STORED_PROBLEMS = 200;
/** People listed on a held run; a run that would disable more cannot be confirmed from the console. */
export const MAX_LISTED_DISABLES = 10_000;

export type TDirectorySyncErrorCode = 'not_found' | 'conflict';

export class DirectorySyncError extends Error {
  constructor(
    readonly code: TDirectorySyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DirectorySyncError';
  }
}

export interface TSyncProblem {
  dn: string;
  message: string;
}

export interface TPlannedDisableRef {
  employeeId: string;
  directoryId: string;
  reason: string;
}

/** PostgreSQL and PGlite both report 23505; drizzle may wrap the driver's error in `cause`. */
export function isUniqueViolation(err: unknown): boolean {
  for (let current = err, depth = 0; current && depth < 5; depth++) {
    if (typeof current === 'object' && 'code' in current && (current as { code?: unknown }).code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const RUN_TARGET = 'directory-sync-run';

/**
 * Opens a run and queues its job in one transaction (row + outbox + audit): from the console, and from the
 * nightly scheduler's tick (which therefore never does the work itself: a re-delivered tick finds the run).
 */
export async function startSyncRun(
  db: Db,
  params: { mode: 'full' | 'incremental'; dryRun: boolean; trigger: 'schedule' | 'manual'; actor: TActor; directoryKey?: string },
): Promise<TSyncRun> {
  const directoryKey = params.directoryKey ?? DEFAULT_DIRECTORY_KEY;
  const { mode, dryRun, trigger, actor } = params;
  try {
    return await db.transaction(async (tx) => {
      await abandonStaleRuns(tx, directoryKey, actor);
      if (!dryRun) await supersedeHeldRuns(tx, directoryKey);
      const [run] = await tx
        .insert(directorySyncRuns)
        .values({ id: newId('run'), directoryKey, mode, dryRun, trigger, requestedByUserId: actor.userId })
        .returning();
      await addToOutbox(tx, SYNC_DIRECTORY_JOB, { runId: run!.id });
      await writeAudit(tx, actor, { action: 'directory.sync-requested', targetType: RUN_TARGET, targetId: run!.id, after: { mode, dryRun, trigger } });
      return run!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DirectorySyncError('conflict', 'A directory sync is already running');
    throw err;
  }
}

async function abandonStaleRuns(tx: Db, directoryKey: string, actor: TActor) {
  const stale = await tx
    .update(directorySyncRuns)
    .set({ status: 'failed', failure: 'abandoned: the worker stopped without finishing this run', finishedAt: new Date() })
    .where(
      and(
        eq(directorySyncRuns.directoryKey, directoryKey),
        eq(directorySyncRuns.status, 'running'),
        lt(directorySyncRuns.startedAt, new Date(Date.now() - SYNC_RUN_STALE_MS)),
      ),
    )
    .returning({ id: directorySyncRuns.id });
  for (const { id } of stale) {
    await writeAudit(tx, actor, { action: 'directory.sync', targetType: RUN_TARGET, targetId: id, after: { outcome: 'failed', code: 'abandoned' } });
  }
}

async function supersedeHeldRuns(tx: Db, directoryKey: string) {
  await tx
    .update(directorySyncRuns)
    .set({ status: 'cancelled', failure: 'superseded: a newer run replaced this confirmation', finishedAt: new Date() })
    .where(and(eq(directorySyncRuns.directoryKey, directoryKey), eq(directorySyncRuns.status, 'awaiting_confirmation')));
}

/** Entries read so far, for the console's progress bar. Only while the run is running. */
export async function recordSyncProgress(db: Db, params: { runId: string; entriesRead: number }): Promise<void> {
  await db
    .update(directorySyncRuns)
    .set({ entriesRead: params.entriesRead })
    .where(and(eq(directorySyncRuns.id, params.runId), eq(directorySyncRuns.status, 'running')));
}

interface TRunReport {
  entriesRead: number;
  /** When the job started working on the run: the recorded duration runs from here. */
  startedAt: Date;
  counts?: Record<string, number>;
  problems?: readonly TSyncProblem[];
}

type TRunUpdate = Partial<typeof directorySyncRuns.$inferInsert>;

/**
 * Ends a RUNNING run (the guard makes a second delivery a no-op: null) with its report and one audit row, in one
 * transaction. `dryRunOnly` keeps the dry-run ending away from a real run.
 */
async function finishRunningRun(
  db: Db,
  params: { runId: string; report: TRunReport; set: TRunUpdate; audit: Record<string, unknown>; actor: TActor; dryRunOnly?: boolean },
): Promise<TSyncRun | null> {
  const { report } = params;
  return db.transaction(async (tx) => {
    const [run] = await tx
      .update(directorySyncRuns)
      .set({
        ...params.set,
        entriesRead: report.entriesRead,
        finishedAt: new Date(),
        durationMs: Math.max(0, Date.now() - report.startedAt.getTime()),
        ...(report.counts ? { counts: report.counts } : {}),
        ...(report.problems ? { problems: report.problems.slice(0, MAX_STORED_PROBLEMS) } : {}),
      })
      .where(
        and(
          eq(directorySyncRuns.id, params.runId),
          eq(directorySyncRuns.status, 'running'),
          params.dryRunOnly ? eq(directorySyncRuns.dryRun, true) : undefined,
        ),
      )
      .returning();
    if (!run) return null;
    await writeAudit(tx, params.actor, { action: 'directory.sync', targetType: RUN_TARGET, targetId: run.id, after: params.audit });
    return run;
  });
}

/** Nothing was changed: the run is failed with a code and a sentence (`<code>: <sentence>`). Null if not running. */
export function failSyncRun(db: Db, params: TRunReport & { runId: string; code: string; message: string; actor: TActor }) {
  return finishRunningRun(db, {
    runId: params.runId,
    actor: params.actor,
    report: params,
    set: { status: 'failed', failure: `${params.code}: ${params.message}`.slice(0, 1000) },
    audit: { outcome: 'failed', code: params.code, entriesRead: params.entriesRead },
  });
}

/** The people a list shows, with names, in the order given; capped at MAX_LISTED_DISABLES. */
async function describeDisables(db: Db, disables: readonly TPlannedDisableRef[]) {
  const listed = disables.slice(0, MAX_LISTED_DISABLES);
  const names = new Map<string, string>();
  for (let start = 0; start < listed.length; start += 1000) {
    const ids = listed.slice(start, start + 1000).map((d) => d.employeeId);
    const rows = await db
      .select({ id: employees.id, firstName: employees.firstName, lastName: employees.lastName })
      .from(employees)
      .where(inArray(employees.id, ids));
    for (const row of rows) names.set(row.id, `${row.firstName} ${row.lastName}`.trim());
  }
  return listed.map((d) => ({ employeeId: d.employeeId, directoryId: d.directoryId, name: names.get(d.employeeId) ?? d.directoryId, reason: d.reason }));
}

/** Stops before changing anything: the run waits for an admin to confirm who would be disabled. */
export async function holdSyncRunForConfirmation(
  db: Db,
  params: TRunReport & { runId: string; pendingDisables: readonly TPlannedDisableRef[]; reason: string; actor: TActor },
): Promise<TSyncRun | null> {
  const pendingDisables = await describeDisables(db, params.pendingDisables);
  return finishRunningRun(db, {
    runId: params.runId,
    actor: params.actor,
    report: params,
    set: { status: 'awaiting_confirmation', failure: `disable_limit: ${params.reason}`.slice(0, 1000), pendingDisables },
    audit: { outcome: 'awaiting_confirmation', wouldDisable: params.pendingDisables.length, counts: params.counts ?? {} },
  });
}

/** A dry run changes nothing: it records its counts and who would be disabled (the rest is its job result). */
export async function completeDryRun(
  db: Db,
  params: TRunReport & { runId: string; wouldDisable: readonly TPlannedDisableRef[]; highWaterMark: string | null; actor: TActor },
): Promise<TSyncRun | null> {
  const wouldDisable = await describeDisables(db, params.wouldDisable);
  return finishRunningRun(db, {
    runId: params.runId,
    actor: params.actor,
    report: params,
    set: { status: 'succeeded', pendingDisables: wouldDisable, highWaterMark: params.highWaterMark },
    audit: { outcome: 'dry-run', counts: params.counts ?? {} },
    dryRunOnly: true,
  });
}

/**
 * An admin confirms a held run. `acknowledgedDisables` is the number of people the confirmation screen listed:
 * if the run's list changed meanwhile, the confirmation is refused. The run goes back to running and its job is
 * queued again: it re-reads the directory and applies only if everyone it would now disable was on this list.
 */
export async function confirmSyncRun(db: Db, params: { runId: string; acknowledgedDisables: number; actor: TActor }): Promise<TSyncRun> {
  try {
    return await db.transaction(async (tx) => {
      const [held] = await tx.select().from(directorySyncRuns).where(eq(directorySyncRuns.id, params.runId)).for('update');
      if (!held) throw new DirectorySyncError('not_found', 'No such directory sync run');
      if (held.status !== 'awaiting_confirmation') throw new DirectorySyncError('conflict', `This run is ${held.status}, not awaiting confirmation`);
      const listed = held.pendingDisables?.length ?? 0;
      if ((held.counts.disabled ?? listed) > listed) {
        throw new DirectorySyncError('conflict', `This run would disable more than ${MAX_LISTED_DISABLES} people: check the directory settings`);
      }
      if (listed !== params.acknowledgedDisables) {
        throw new DirectorySyncError('conflict', 'The list of people to disable has changed: review it again');
      }
      const [run] = await tx
        .update(directorySyncRuns)
        .set({ status: 'running', startedAt: new Date(), finishedAt: null, durationMs: null })
        .where(and(eq(directorySyncRuns.id, held.id), eq(directorySyncRuns.status, 'awaiting_confirmation')))
        .returning();
      await addToOutbox(tx, SYNC_DIRECTORY_JOB, { runId: held.id });
      await writeAudit(tx, params.actor, {
        action: 'directory.sync-confirmed',
        targetType: RUN_TARGET,
        targetId: held.id,
        before: { status: held.status },
        after: { status: 'running', confirmedDisables: listed },
      });
      return run!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DirectorySyncError('conflict', 'Another directory sync is running: confirm when it has finished');
    throw err;
  }
}

/**
 * An admin discards a held run instead of confirming it: nobody is disabled and nothing it planned is applied (a
 * held run never applied anything). Only a run awaiting confirmation can be cancelled — a running one is the worker's,
 * a finished one is history. The next run plans afresh from the directory.
 */
export async function cancelSyncRun(db: Db, params: { runId: string; reason: string | null; actor: TActor }): Promise<TSyncRun> {
  return db.transaction(async (tx) => {
    const [held] = await tx.select().from(directorySyncRuns).where(eq(directorySyncRuns.id, params.runId)).for('update');
    if (!held) throw new DirectorySyncError('not_found', 'No such directory sync run');
    if (held.status !== 'awaiting_confirmation') throw new DirectorySyncError('conflict', `This run is ${held.status}, not awaiting confirmation`);
    const failure = `cancelled: discarded by ${params.actor.username ?? 'an administrator'}, nobody was disabled${params.reason ? ` (${params.reason})` : ''}`;
    const [run] = await tx
      .update(directorySyncRuns)
      .set({ status: 'cancelled', failure: failure.slice(0, 1000), finishedAt: new Date() })
      .where(and(eq(directorySyncRuns.id, held.id), eq(directorySyncRuns.status, 'awaiting_confirmation')))
      .returning();
    await writeAudit(tx, params.actor, {
      action: 'directory.sync-cancelled',
      targetType: RUN_TARGET,
      targetId: held.id,
      before: { status: held.status, pendingDisables: held.pendingDisables?.length ?? 0 },
      after: { status: 'cancelled', reason: params.reason },
    });
    return run!;
  });
}
