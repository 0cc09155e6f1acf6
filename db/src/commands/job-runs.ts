import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { jobRuns } from '../schema/index.js';

export type TJobRun = typeof jobRuns.$inferSelect;

/**
 * Claims the run for (jobName, key). BullMQ delivers at least once: a second delivery of a job that already
 * succeeded gets `alreadyDone: true` and must not repeat the work.
 */
export async function claimJobRun(
  db: Db,
  params: { jobName: string; key: string; payload: unknown },
): Promise<{ run: TJobRun; alreadyDone: boolean }> {
  // One statement (every tracked job starts here, so a round trip counts): a new row starts running at attempt 1;
  // an existing one counts another attempt unless it already succeeded.
  const [run] = await db
    .insert(jobRuns)
    .values({ id: newId('run'), jobName: params.jobName, key: params.key, payload: params.payload, status: 'running', attempts: 1, startedAt: sql`now()` })
    .onConflictDoUpdate({
      target: [jobRuns.jobName, jobRuns.key],
      set: {
        status: sql`case when ${jobRuns.status} = 'succeeded' then 'succeeded' else 'running' end`,
        attempts: sql`${jobRuns.attempts} + case when ${jobRuns.status} = 'succeeded' then 0 else 1 end`,
        startedAt: sql`coalesce(${jobRuns.startedAt}, now())`,
      },
    })
    .returning();
  if (!run) throw new Error(`job run ${params.jobName}/${params.key} vanished`);
  return { run, alreadyDone: run.status === 'succeeded' && run.finishedAt !== null };
}

export async function setJobRunProgress(db: Db, params: { id: string; progress: number }): Promise<void> {
  await db.update(jobRuns).set({ progress: Math.max(0, Math.min(100, Math.round(params.progress))) }).where(eq(jobRuns.id, params.id));
}

export async function finishJobRun(db: Db, params: { id: string; result: unknown }): Promise<void> {
  await db
    .update(jobRuns)
    .set({ status: 'succeeded', progress: 100, result: params.result ?? null, error: null, finishedAt: new Date() })
    .where(eq(jobRuns.id, params.id));
}

/** `final` = no retry will follow; otherwise the run goes back to queued for BullMQ's next attempt. */
export async function failJobRun(db: Db, params: { id: string; error: string; final: boolean }): Promise<void> {
  await db
    .update(jobRuns)
    .set({
      status: params.final ? 'failed' : 'queued',
      error: params.error.slice(0, 1000),
      finishedAt: params.final ? new Date() : null,
    })
    .where(eq(jobRuns.id, params.id));
}
