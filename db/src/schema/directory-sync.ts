import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn } from './columns.js';
import { employees } from './directory.js';

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'awaiting_confirmation', 'cancelled'] as const;

/** One directory sync run: counts, duration, outcome — the console's run history and the safety stop. */
export const directorySyncRuns = pgTable(
  'directory_sync_runs',
  {
    id: idColumn(),
    /** Which directory (one today: "main"); one run at a time per directory (partial unique index). */
    directoryKey: text('directory_key').notNull().default('main'),
    mode: text('mode', { enum: ['full', 'incremental'] }).notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    status: text('status', { enum: SYNC_RUN_STATUSES }).notNull().default('running'),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    requestedByUserId: text('requested_by_user_id'),
    entriesRead: integer('entries_read').notNull().default(0),
    /** created, updated, moved, disabled, reenabled, unchanged, errors. */
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** Why it failed or stopped (a DirectoryReadError code and sentence, "empty_result", the limit hit). */
    failure: text('failure'),
    /** Per-entry problems (DN + message), capped, for the console. */
    problems: jsonb('problems').$type<{ dn: string; message: string }[]>().notNull().default(sql`'[]'::jsonb`),
    /** When stopped above the limit: who would be disabled, for an admin to confirm. */
    pendingDisables: jsonb('pending_disables').$type<{ employeeId: string; directoryId: string; name: string; reason: string }[]>(),
    highWaterMark: text('high_water_mark'),
    startedAt: at('started_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
    durationMs: integer('duration_ms'),
  },
  (t) => [
    index('directory_sync_runs_started_idx').on(t.startedAt),
    uniqueIndex('directory_sync_runs_one_running_uq').on(t.directoryKey).where(sql`status = 'running'`),
  ],
);

export const DEPROVISIONING_STEPS = ['revoke-certificates', 'disable-vpn', 'return-kit', 'release-extension'] as const;

/** A leaver's checklist, opened by sync when an employee is disabled or vanishes; each step visible and audited. */
export const deprovisioningCases = pgTable(
  'deprovisioning_cases',
  {
    id: idColumn(),
    employeeId: text('employee_id')
      .notNull()
      .references(() => employees.id),
    runId: text('run_id'),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'done'] }).notNull().default('open'),
    /** { step: { status: 'pending'|'done'|'not-needed', at?, note? } } */
    steps: jsonb('steps').$type<Record<string, { status: string; at?: string; note?: string }>>().notNull(),
    openedAt: at('opened_at').notNull().defaultNow(),
    closedAt: at('closed_at'),
  },
  (t) => [uniqueIndex('deprovisioning_open_uq').on(t.employeeId).where(sql`status = 'open'`)],
);
