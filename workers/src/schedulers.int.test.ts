/**
 * The nightly directory sync: declared as a BullMQ job scheduler (cron + time zone) when sync is enabled, removed
 * when it is not; one job at a time across workers; the scheduled tick only opens a run through the outbox, and
 * a second tick while a run is running opens nothing.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { schema, type Database } from '@varco/db';
import { openTestDatabase } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from './define-job.js';
import { parseDirectorySyncConfig } from './directory/config.js';
import type { TDirectorySyncSettings } from './directory/settings.js';
import { handleSyncDirectory } from './jobs/directory/sync-directory.handler.js';
import { createMailer } from './mail/mailer.js';
import { createRedis } from './redis.js';
import { applySchedules, DIRECTORY_SYNC_SCHEDULER_ID } from './schedulers.js';

const redisUrl = process.env.TEST_REDIS_URL ?? '';
const settings = (enabled: boolean): TDirectorySyncSettings => ({
  enabled,
  directoryKey: 'main',
  limits: { maxDisablePercent: 5, maxDisableCount: 50 },
  schedule: { pattern: '15 3 * * *', timezone: 'Europe/Rome' },
  config: parseDirectorySyncConfig({ url: 'ldap://127.0.0.1:1', bindDn: 'cn=svc', bindPassword: 'not-used', baseDn: 'dc=x', profile: 'openldap' }),
});

describe('directory sync scheduling', () => {
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  let connection: ReturnType<typeof createRedis>;
  let queue: Queue;
  let database: Database;

  beforeAll(async () => {
    if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (run the suite with `npm test`)');
    connection = createRedis(redisUrl, 'producer');
    queue = new Queue(QUEUES.directory, { connection, prefix });
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    connection?.disconnect();
    await database?.close();
  });

  it('enabled: a cron scheduler in Europe/Rome for the tick payload, and one job at a time across workers', async () => {
    await applySchedules({ redisUrl, prefix, directorySync: settings(true) });
    await applySchedules({ redisUrl, prefix, directorySync: settings(true) }); // every worker declares it: still one
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: DIRECTORY_SYNC_SCHEDULER_ID, pattern: '15 3 * * *', tz: 'Europe/Rome', template: { data: { runId: null, trigger: 'schedule' } } });
    expect(await queue.getGlobalConcurrency()).toBe(1);
  });

  it('disabled or not configured: the scheduler is removed', async () => {
    await applySchedules({ redisUrl, prefix, directorySync: settings(false) });
    expect(await queue.getJobSchedulers()).toEqual([]);
    await applySchedules({ redisUrl, prefix, directorySync: null });
    expect(await queue.getJobSchedulers()).toEqual([]);
  });

  it('the tick opens one full run through the outbox; a tick while it runs opens nothing', async () => {
    const ctx = { db: database.db, jobId: 'tick', attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null, directorySync: settings(true) };
    const first = (await handleSyncDirectory({ runId: null, trigger: 'schedule' }, ctx)) as { queuedRunId: string };
    expect(first.queuedRunId).toMatch(/^run_/);
    expect(await handleSyncDirectory({ runId: null, trigger: 'schedule' }, ctx)).toEqual({ skipped: 'A directory sync is already running' });
    const [run] = await database.db.select().from(schema.directorySyncRuns).where(eq(schema.directorySyncRuns.id, first.queuedRunId));
    expect(run).toMatchObject({ status: 'running', mode: 'full', trigger: 'schedule', dryRun: false });
    const outbox = await database.db.select().from(schema.outbox).where(eq(schema.outbox.jobName, 'directory.sync-directory'));
    expect(outbox.map((row) => row.payload)).toEqual([{ runId: first.queuedRunId }]);
    expect(await handleSyncDirectory({ runId: null, trigger: 'schedule' }, { ...ctx, directorySync: settings(false) })).toEqual({ skipped: 'directory sync is not enabled' });
  });
});
