import { UnrecoverableError } from 'bullmq';
import { DirectorySyncError, failSyncRun, getSyncRun, startSyncRun, SYSTEM_ACTOR, type TSyncRun } from '@varco/db';
import type { TJobContext, TJobHandler } from '../../define-job.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';
import { runDirectorySync } from './run-directory-sync.js';
import type { TSyncDirectoryPayload } from './sync-directory.js';

/**
 * Runs one directory sync run, or (scheduler tick) opens the nightly one. Idempotent: a run that is no longer
 * "running" (finished, held, cancelled) is left alone, so a second delivery changes nothing.
 */
export const handleSyncDirectory: TJobHandler<TSyncDirectoryPayload> = async (payload, ctx) => {
  if (payload.runId === null) return openScheduledRun(ctx);
  const run = await getSyncRun(ctx.db, { id: payload.runId });
  // The outbox row commits with its run: a missing run is a bug or a restored backup, and retrying cannot help.
  if (!run) throw new UnrecoverableError(`Directory sync run ${payload.runId} not found`);
  if (run.status !== 'running') return { skipped: `run ${run.id} is ${run.status}` };
  const refusal = refusalFor(run, ctx.directorySync);
  if (refusal || !ctx.directorySync) {
    const failure = refusal ?? { code: 'not_configured', message: 'directory sync is not configured' };
    await failSyncRun(ctx.db, { runId: run.id, ...failure, entriesRead: 0, startedAt: new Date(), actor: SYSTEM_ACTOR });
    return { outcome: 'failed', code: failure.code };
  }
  const startedAt = new Date();
  try {
    return await runDirectorySync(run, ctx.directorySync, ctx, startedAt);
  } catch (err) {
    // Nothing was applied (apply is one transaction); the run must not stay "running" until it goes stale.
    const message = `stopped on an unexpected error, nothing was applied (${err instanceof Error ? err.message : String(err)})`.slice(0, 500);
    await failSyncRun(ctx.db, { runId: run.id, code: 'internal', message, entriesRead: run.entriesRead, startedAt, actor: SYSTEM_ACTOR });
    throw err;
  }
};

function refusalFor(run: TSyncRun, settings: TDirectorySyncSettings | null): { code: string; message: string } | null {
  if (!settings) return { code: 'not_configured', message: 'directory sync is not configured (LDAP_URL, LDAP_SYNC_BASE_DN)' };
  if (run.directoryKey !== settings.directoryKey) return { code: 'not_configured', message: `no directory "${run.directoryKey}" is configured` };
  if (!run.dryRun && !settings.enabled) return { code: 'sync_disabled', message: 'LDAP_SYNC_ENABLED is false: only dry runs are allowed' };
  return null;
}

async function openScheduledRun(ctx: TJobContext) {
  const settings = ctx.directorySync;
  if (!settings?.enabled) return { skipped: 'directory sync is not enabled' };
  try {
    const run = await startSyncRun(ctx.db, { mode: 'full', dryRun: false, trigger: 'schedule', actor: SYSTEM_ACTOR, directoryKey: settings.directoryKey });
    return { queuedRunId: run.id };
  } catch (err) {
    if (err instanceof DirectorySyncError && err.code === 'conflict') return { skipped: err.message };
    throw err;
  }
}
