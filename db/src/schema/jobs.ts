import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn } from './columns.js';

export const JOB_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

/**
 * Outbox: written in the same transaction as the state change that needs a job. The relay copies rows to
 * BullMQ with jobId = outbox id, so a crash between commit and enqueue loses nothing.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: idColumn(),
    jobName: text('job_name').notNull(),
    /** Ids only, never secrets: this lands in Redis as plain JSON. */
    payload: jsonb('payload').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    dispatchedAt: at('dispatched_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_pending_idx').on(t.createdAt).where(sql`dispatched_at is null`)],
);

/** One row per logical job execution, for progress bars and history. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: idColumn(),
    jobName: text('job_name').notNull(),
    /** The idempotency key: an outbox id or another unique key per logical job (a retried job finds its row). */
    key: text('key').notNull(),
    status: text('status', { enum: JOB_RUN_STATUSES }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    payload: jsonb('payload').notNull(),
    result: jsonb('result'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
  },
  (t) => [uniqueIndex('job_runs_key_uq').on(t.jobName, t.key), index('job_runs_created_idx').on(t.createdAt)],
);
