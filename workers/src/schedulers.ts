/**
 * Recurring jobs and queue-wide limits, declared by every worker process at start. `upsertJobScheduler` is
 * idempotent, so any number of worker processes may declare the same schedule; a schedule whose feature is turned
 * off is removed, so an old cron pattern never outlives a configuration change.
 */
import { Queue } from 'bullmq';
import { QUEUES } from './define-job.js';
import type { TDirectorySyncSettings } from './directory/settings.js';
import { syncDirectoryJob, ZSyncDirectoryPayload } from './jobs/directory/sync-directory.js';
import { createRedis } from './redis.js';

export const DIRECTORY_SYNC_SCHEDULER_ID = 'directory-nightly-sync';

export async function applySchedules(params: { redisUrl: string; prefix: string; directorySync: TDirectorySyncSettings | null }): Promise<void> {
  const connection = createRedis(params.redisUrl, 'producer');
  const queue = new Queue(QUEUES.directory, { connection, prefix: params.prefix });
  try {
    // Across every worker process, not just this one: two syncs would read the directory twice and race to apply.
    await queue.setGlobalConcurrency(1);
    const settings = params.directorySync;
    if (!settings?.enabled) {
      await queue.removeJobScheduler(DIRECTORY_SYNC_SCHEDULER_ID);
      return;
    }
    await queue.upsertJobScheduler(
      DIRECTORY_SYNC_SCHEDULER_ID,
      { pattern: settings.schedule.pattern, tz: settings.schedule.timezone },
      {
        name: syncDirectoryJob.name,
        // The tick only opens the run (see sync-directory.ts); validated like every producer's payload.
        data: ZSyncDirectoryPayload.parse({ runId: null, trigger: 'schedule' }),
        opts: syncDirectoryJob.options,
      },
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
