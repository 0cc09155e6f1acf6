/**
 * One directory sync run: read the directory (streamed, page by page) into the planner, then — only after the
 * read ENDED NORMALLY — fail, record a dry run, hold for confirmation, or apply in one transaction.
 *
 * - A DirectoryReadError (size limit, dropped connection, wrong base DN, …) or an empty answer fails the run with
 *   its code and sentence; nothing is changed and nobody is disabled.
 * - Progress: after every page the run's `entries_read` is written (the console polls it) and, when an earlier
 *   full read gives an estimate of the directory's size, the job's percentage (reading = 0–90 %, applying the rest).
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
import {
  DirectoryReadError,
  readDirectory,
  type THighWaterMark,
  type TIncrementalFrom,
  type TReadSummary,
} from '../../directory/read-directory.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';

/** Would-be changes a dry run lists in its result (the counts are always complete). */
const PREVIEW_LIMIT = 100;
const READ_SHARE_PERCENT = 90;

/** Where a run's time went (also kept in job_runs.result): loading the employees, reading + planning, applying. */
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
  const loadStarted = performance.now();
  const state = await loadSyncState(db);
  const readStarted = performance.now();
  const planner = new SyncPlanner({
    current: state.current,
    mode: run.mode,
    knownServiceCodes: state.serviceCodes,
    knownJobProfiles: state.jobProfiles,
    limits: settings.limits,
    // AD names managers by DN: people outside an incremental run are found through their stored DN.
    ...(run.mode === 'incremental' ? { knownDns: knownDnsOf(state.current) } : {}),
  });
  let summary: TReadSummary;
  try {
    summary = await readInto(planner, settings, incremental, async (entriesRead) => {
      await recordSyncProgress(db, { runId: run.id, entriesRead });
      if (marks.estimatedEntries) await ctx.progress(Math.min(READ_SHARE_PERCENT, (entriesRead / marks.estimatedEntries) * READ_SHARE_PERCENT));
    });
  } catch (err) {
    if (err instanceof DirectoryReadError) return fail(err.code, err.message, err.details.entriesRead);
    throw err;
  }
  const plan = planner.finish();
  if (plan.refused) {
    return fail('empty_result', 'the directory answered with no usable entries: nobody was disabled', summary.entriesRead, toProblems(plan.errors));
  }
  await ctx.progress(READ_SHARE_PERCENT);
  const timings = { stateMs: Math.round(readStarted - loadStarted), readMs: Math.round(performance.now() - readStarted), applyMs: 0 };
  const read = { entriesRead: summary.entriesRead, startedAt, highWaterMark: serialiseHighWaterMark(summary.highWaterMark) };
  const applyStarted = performance.now();
  const outcome = await settle(run, plan, settings, ctx, read);
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

/** Streams every record into the planner; `onPage` runs once per page received (awaited between pages). */
async function readInto(
  planner: SyncPlanner,
  settings: TDirectorySyncSettings,
  incremental: TIncrementalFrom | undefined,
  onPage: (entriesRead: number) => Promise<void>,
): Promise<TReadSummary> {
  const latest = { pages: 0, entriesRead: 0 };
  let reportedPages = 0;
  const reader = readDirectory(settings.config, {
    ...(incremental ? { incremental } : {}),
    onProgress: (progress) => Object.assign(latest, progress),
  });
  try {
    for (;;) {
      const next = await reader.next();
      if (latest.pages !== reportedPages) {
        reportedPages = latest.pages;
        await onPage(latest.entriesRead);
      }
      if (next.done) return next.value;
      planner.add(next.value);
    }
  } finally {
    // Left early (a progress write or the planner threw): the connection closes now, not at the server's idle timeout.
    await reader.return(undefined as never).catch(() => undefined);
  }
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
