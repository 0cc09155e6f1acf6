/**
 * One directory sync run: read the directory (streamed, page by page) into the planner, then — only after the
 * read ENDED NORMALLY — fail, record a dry run, hold for confirmation, or apply in one transaction.
 *
 * - A DirectoryReadError (size limit, dropped connection, wrong base DN, …) or an empty answer fails the run with
 *   its code and sentence; nothing is changed and nobody is disabled.
 * - Progress: after the first batch of entries, then at most every 250 ms, the run's `entries_read` is written (the
 *   console polls it) and, when an earlier full read gives an estimate of the directory's size, the job's
 *   percentage (reading = 0–90 %, applying the rest).
 * - Confirmation: a run confirmed by an admin reads the directory again; it applies if every person the new plan
 *   would disable was on the confirmed list (fewer is fine), otherwise it is held again with the new list.
 */
import {
  applySyncPlan,
  completeDryRun,
  failSyncRun,
  getSyncHistoryMarks,
  holdSyncRunForConfirmation,
  loadSyncState,
  recordSyncProgress,
  SYSTEM_ACTOR,
  type TSyncProblem,
  type TSyncRun,
  updateCounts,
} from '@varco/db';
import { z } from 'zod';
import type { TJobContext } from '../../define-job.js';
import { knownDnsOf, SyncPlanner, type TSyncError, type TSyncPlan } from '../../directory/plan-sync.js';
import type { TDirectoryRecord } from '../../directory/sanitize.js';
import {
  DirectoryReadError,
  readDirectoryBatches,
  type THighWaterMark,
  type TIncrementalFrom,
  type TReadSummary,
} from '../../directory/read-directory.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';

/** Would-be changes a dry run lists in its result (the counts are always complete). */
const PREVIEW_LIMIT = 100;
const READ_SHARE_PERCENT = 90;
/** Progress is written after the first batch, then at most this often (each write is a database round trip). */
const PROGRESS_INTERVAL_MS = 250;
/** Records read before the employees are loaded that may wait for them (about 10 MB). */
const READ_AHEAD_RECORDS = 20_000;

/**
 * Where a run's time went (also kept in job_runs.result): loading the employees, which runs DURING the read, the
 * read + plan from its start to its end, and the apply.
 */
export interface TSyncTimings {
  stateMs: number;
  readMs: number;
  applyMs: number;
}

/** What a complete read led to. */
type TSettled =
  | { outcome: 'dry-run'; counts: Record<string, number>; preview: ReturnType<typeof previewOf> }
  | { outcome: 'awaiting_confirmation'; counts: Record<string, number> }
  | { outcome: 'succeeded'; counts: Record<string, number> };

export type TSyncOutcome = { outcome: 'failed'; code: string } | (TSettled & { timingsMs: TSyncTimings });

export async function runDirectorySync(run: TSyncRun, settings: TDirectorySyncSettings, ctx: TJobContext, startedAt: Date): Promise<TSyncOutcome> {
  const { db } = ctx;
  const marks = await getSyncHistoryMarks(db, { directoryKey: run.directoryKey });
  const fail = async (code: string, message: string, entriesRead: number, problems: TSyncProblem[] = []) => {
    await failSyncRun(db, { runId: run.id, code, message, entriesRead, startedAt, problems, actor: SYSTEM_ACTOR });
    return { outcome: 'failed' as const, code };
  };
  const incremental = run.mode === 'incremental' ? parseHighWaterMark(marks.highWaterMark) : undefined;
  if (incremental === null) return fail('no_watermark', 'no earlier sync to continue from: run a full sync first', 0);
  // The employees load while the directory is read: records that arrive first wait (bounded) for the planner.
  const started = performance.now();
  let stateMs = 0;
  const plannerReady = loadSyncState(db).then((state) => {
    stateMs = Math.round(performance.now() - started);
    return new SyncPlanner({
      current: state.current,
      mode: run.mode,
      knownServiceCodes: state.serviceCodes,
      knownJobProfiles: state.jobProfiles,
      limits: settings.limits,
      // AD names managers by DN: people outside an incremental run are found through their stored DN.
      ...(run.mode === 'incremental' ? { knownDns: knownDnsOf(state.current) } : {}),
    });
  });
  let read: { planner: SyncPlanner; summary: TReadSummary };
  try {
    read = await readInto(plannerReady, settings, incremental, async (entriesRead) => {
      await recordSyncProgress(db, { runId: run.id, entriesRead });
      if (marks.estimatedEntries) await ctx.progress(Math.min(READ_SHARE_PERCENT, (entriesRead / marks.estimatedEntries) * READ_SHARE_PERCENT));
    });
  } catch (err) {
    if (err instanceof DirectoryReadError) return fail(err.code, err.message, err.details.entriesRead);
    throw err;
  }
  const { planner, summary } = read;
  const plan = planner.finish();
  if (plan.refused) {
    return fail('empty_result', 'the directory answered with no usable entries: nobody was disabled', summary.entriesRead, toProblems(plan.errors));
  }
  await ctx.progress(READ_SHARE_PERCENT);
  const timings = { stateMs, readMs: Math.round(performance.now() - started), applyMs: 0 };
  const report = { entriesRead: summary.entriesRead, startedAt, highWaterMark: serialiseHighWaterMark(summary.highWaterMark) };
  const applyStarted = performance.now();
  const outcome = await settle(run, plan, settings, ctx, report);
  return { ...outcome, timingsMs: { ...timings, applyMs: Math.round(performance.now() - applyStarted) } };
}

interface TReadReport {
  entriesRead: number;
  startedAt: Date;
  highWaterMark: string | null;
}

/** After a complete read: a dry run records, a plan over the limits waits for confirmation, anything else applies. */
async function settle(run: TSyncRun, plan: TSyncPlan, settings: TDirectorySyncSettings, ctx: TJobContext, read: TReadReport): Promise<TSettled> {
  const report = { ...read, counts: planCounts(plan), problems: toProblems(plan.errors), actor: SYSTEM_ACTOR, runId: run.id };
  if (run.dryRun) {
    await completeDryRun(ctx.db, { ...report, wouldDisable: plan.disable });
    return { outcome: 'dry-run', counts: report.counts, preview: previewOf(plan) };
  }
  if (plan.needsConfirmation && !isCoveredBy(plan, run.pendingDisables)) {
    await holdSyncRunForConfirmation(ctx.db, { ...report, pendingDisables: plan.disable, reason: limitSentence(plan, settings) });
    return { outcome: 'awaiting_confirmation', counts: report.counts };
  }
  const { counts } = await applySyncPlan(ctx.db, { runId: run.id, plan, report, actor: SYSTEM_ACTOR });
  return { outcome: 'succeeded', counts };
}

/**
 * Streams every record into the planner once it is ready; until then up to READ_AHEAD_RECORDS wait, then the read
 * waits too. Progress is written after the first batch, then at most every PROGRESS_INTERVAL_MS, without making
 * the read wait for it (one write in flight at most; a failed write fails the run).
 */
async function readInto(
  plannerReady: Promise<SyncPlanner>,
  settings: TDirectorySyncSettings,
  incremental: TIncrementalFrom | undefined,
  onProgress: (entriesRead: number) => Promise<void>,
): Promise<{ planner: SyncPlanner; summary: TReadSummary }> {
  const ready: { planner?: SyncPlanner; failed?: { error: unknown } } = {};
  plannerReady.then(
    (planner) => (ready.planner = planner),
    (error: unknown) => (ready.failed = { error }),
  );
  const progress = progressWriter(onProgress);
  let entriesRead = 0;
  const held: TDirectoryRecord[][] = [];
  let heldRecords = 0;
  const reader = readDirectoryBatches(settings.config, {
    ...(incremental ? { incremental } : {}),
    onProgress: (read) => (entriesRead = read.entriesRead),
  });
  try {
    for (;;) {
      const next = await reader.next();
      if (ready.failed) throw ready.failed.error;
      progress.report(entriesRead);
      progress.check();
      if (!next.done && !ready.planner && heldRecords + next.value.length <= READ_AHEAD_RECORDS) {
        held.push(next.value);
        heldRecords += next.value.length;
        continue;
      }
      const planner = ready.planner ?? (await plannerReady);
      for (const batch of held.splice(0)) for (const record of batch) planner.add(record);
      heldRecords = 0;
      if (next.done) {
        await progress.settle();
        return { planner, summary: next.value };
      }
      for (const record of next.value) planner.add(record);
    }
  } finally {
    // Left early (a progress write, the employees' load or the planner threw): the connection closes now, not at the
    // server's idle timeout.
    await reader.return(undefined as never).catch(() => undefined);
    // Nothing of the run keeps working after it ended: a failed read still waits for the load and its last write.
    await Promise.allSettled([plannerReady, progress.settle()]);
  }
}

function progressWriter(write: (entriesRead: number) => Promise<void>) {
  let reported = 0;
  let reportedAt = -Infinity;
  let inFlight: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  return {
    report(entriesRead: number) {
      if (inFlight || entriesRead === reported || performance.now() - reportedAt < PROGRESS_INTERVAL_MS) return;
      reported = entriesRead;
      reportedAt = performance.now();
      inFlight = write(entriesRead).then(
        () => void (inFlight = null),
        (error: unknown) => void ((failure = { error }), (inFlight = null)),
      );
    },
    check() {
      if (failure) throw failure.error;
    },
    async settle() {
      await inFlight;
      this.check();
    },
  };
}

/** Would-be (or, once applied, planned) counts; applySyncPlan replaces them with what it actually changed. */
export function planCounts(plan: TSyncPlan): Record<string, number> {
  return {
    entries: plan.stats.entries,
    created: plan.create.length,
    ...updateCounts(plan.update),
    disabled: plan.disable.length,
    reenabled: plan.reenable.length,
    unchanged: plan.unchanged,
    errors: plan.errors.length,
    activeBefore: plan.stats.activeBefore,
    skippedDisabled: plan.stats.skippedDisabled,
    keptManuallyDeactivated: plan.stats.keptManuallyDeactivated,
    unresolvedManagers: plan.stats.unresolvedManagers,
  };
}

/** `<reason>` or `<reason>: <value>` — the console translates the reason code and shows the (escaped) value. */
export function toProblems(errors: readonly TSyncError[]): TSyncProblem[] {
  return errors.map((error) => ({ dn: error.dn, message: error.value ? `${error.reason}: ${error.value}` : error.reason }));
}

function isCoveredBy(plan: TSyncPlan, confirmed: TSyncRun['pendingDisables']): boolean {
  if (!confirmed) return false;
  const allowed = new Set(confirmed.map((person) => person.employeeId));
  return plan.disable.every((person) => allowed.has(person.employeeId));
}

function limitSentence(plan: TSyncPlan, settings: TDirectorySyncSettings): string {
  const { maxDisableCount, maxDisablePercent } = settings.limits;
  return `would disable ${plan.disable.length} of ${plan.stats.activeBefore} active people (limit: more than ${maxDisablePercent}% or more than ${maxDisableCount} needs confirmation)`;
}

function previewOf(plan: TSyncPlan) {
  return {
    create: plan.create.slice(0, PREVIEW_LIMIT).map(({ directoryId, fields }) => ({
      directoryId,
      name: `${fields.firstName} ${fields.lastName}`.trim(),
      serviceCode: fields.serviceCode,
      jobProfile: fields.jobProfile,
    })),
    update: plan.update.slice(0, PREVIEW_LIMIT).map(({ directoryId, changed }) => ({ directoryId, changed })),
    reenable: plan.reenable.slice(0, PREVIEW_LIMIT).map(({ directoryId }) => ({ directoryId })),
  };
}

const ZStoredMark = z.union([
  z.object({ since: z.iso.datetime() }).strict(),
  z.object({ usnAbove: z.string().regex(/^\d{1,20}$/), server: z.string().max(255).nullable() }).strict(),
]);

export function serialiseHighWaterMark(mark: THighWaterMark | null): string | null {
  if (!mark) return null;
  return JSON.stringify('since' in mark ? { since: mark.since.toISOString() } : mark);
}

/** null: no usable mark (never synced, or an unreadable value), so an incremental run cannot start. */
export function parseHighWaterMark(stored: string | null): TIncrementalFrom | null {
  if (!stored) return null;
  try {
    const mark = ZStoredMark.parse(JSON.parse(stored));
    return 'since' in mark ? { since: new Date(mark.since) } : mark;
  } catch {
    return null;
  }
}
