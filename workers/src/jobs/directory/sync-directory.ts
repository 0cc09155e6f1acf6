import { z } from 'zod';
import { defineJob } from '../../define-job.js';

/**
 * `{ runId }`: do this run (written by the console or by a confirmation, through the outbox).
 * `{ runId: null, trigger: 'schedule' }`: the nightly scheduler's tick — it only opens a full run and queues it
 * (row + outbox in one transaction), so a re-delivered tick finds that run instead of starting a second one.
 * Ids only: the directory settings and the service account's password come from the worker's own configuration.
 */
export const ZSyncDirectoryPayload = z.union([
  z.object({ runId: z.string().regex(/^run_[0-9a-z]{10,32}$/) }).strict(),
  z.object({ runId: z.null(), trigger: z.literal('schedule') }).strict(),
]);
export type TSyncDirectoryPayload = z.infer<typeof ZSyncDirectoryPayload>;

export const syncDirectoryJob = defineJob({
  name: 'directory.sync-directory',
  queue: 'directory',
  payload: ZSyncDirectoryPayload,
  // One attempt: a failed sync is reported on its run (code + sentence) for an admin to look at, never retried
  // blindly against a directory that just answered badly. A worker that dies mid-run is BullMQ's stalled-job case:
  // the job is delivered again and redoes the run from the start (nothing was applied: apply is one transaction).
  options: {
    attempts: 1,
    removeOnComplete: { age: 30 * 86_400 },
    removeOnFail: { age: 90 * 86_400 },
  },
  tracked: true,
  handler: async () => (await import('./sync-directory.handler.js')).handleSyncDirectory,
});
