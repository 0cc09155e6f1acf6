import { randomBytes } from 'node:crypto';
import { eq, isNull } from 'drizzle-orm';
import { addToOutbox, schema, type Database } from '@varco/db';
import { openTestDatabase } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayOutboxOnce, startOutboxRelay } from './outbox-relay.js';
import { createProducer, type TProducer } from './producer.js';
import { startWorkers, type TWorkers } from './runtime.js';

const redisUrl = process.env.TEST_REDIS_URL;
const silent = { info: () => {}, error: () => {} };

// Real Redis (started by `npm test`) and a real BullMQ worker; the database is in-memory PGlite.
describe('outbox relay and workers', () => {
  let database: Database;
  let producer: TProducer;
  let workers: TWorkers;

  beforeAll(async () => {
    if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (run the suite with `npm test`)');
    database = await openTestDatabase('pglite');
    // A prefix of its own: other test files share this Redis and must not pick up these jobs.
    const prefix = `t-${randomBytes(4).toString('hex')}`;
    producer = createProducer(redisUrl, { prefix });
    workers = await startWorkers({ db: database.db, redisUrl, prefix, logger: silent });
  });
  afterAll(async () => {
    await workers?.close();
    await producer?.close();
    await database?.close();
  });

  async function waitForRun(key: string) {
    for (let i = 0; i < 100; i++) {
      const [run] = await database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.key, key));
      if (run?.status === 'succeeded') return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${key} did not finish`);
  }

  it('runs a job enqueued through the outbox exactly once, even when the relay runs twice', async () => {
    const note = randomBytes(6).toString('hex');
    const outboxId = await database.db.transaction((tx) => addToOutbox(tx, 'system.echo', { note }));
    const [first, second] = await Promise.all([
      relayOutboxOnce(database.db, producer, { limit: 10 }),
      relayOutboxOnce(database.db, producer, { limit: 10 }),
    ]);
    expect(first + second).toBeGreaterThanOrEqual(1);
    const run = await waitForRun(outboxId);
    // A third relay after completion finds nothing pending; a forced re-delivery is a no-op.
    expect(await relayOutboxOnce(database.db, producer, { limit: 10 })).toBe(0);
    await producer.enqueue('system.echo', { note }, { jobId: outboxId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs = await database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.key, outboxId));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.attempts).toBe(1);
    expect(run.result).toMatchObject({ note });
    const [row] = await database.db.select().from(schema.outbox).where(eq(schema.outbox.id, outboxId));
    expect(row?.dispatchedAt).toBeInstanceOf(Date);
  });

  it('re-delivery of a finished job after Redis forgot it still does the work once', async () => {
    const note = randomBytes(6).toString('hex');
    const outboxId = await database.db.transaction((tx) => addToOutbox(tx, 'system.echo', { note }));
    await relayOutboxOnce(database.db, producer, { limit: 10 });
    await waitForRun(outboxId);
    const queue = producer.queues()[0]!;
    await (await queue.getJob(outboxId))?.remove();
    await producer.enqueue('system.echo', { note }, { jobId: outboxId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs = await database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.key, outboxId));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.attempts).toBe(1);
  });

  it('answers a health ping through a real worker', async () => {
    const nonce = randomBytes(8).toString('hex');
    const result = await producer.enqueueAndWait('system.ping', { nonce }, 5000);
    expect(result).toMatchObject({ nonce, pid: process.pid });
  });

  it('the polling relay drains a backlog larger than one batch without waiting for its next interval', async () => {
    const notes = Array.from({ length: 250 }, () => randomBytes(6).toString('hex'));
    await database.db.transaction(async (tx) => {
      for (const note of notes) await addToOutbox(tx, 'system.echo', { note });
    });
    // An hour between polls: only draining batch after batch can dispatch 250 rows (100 per batch) before the deadline.
    const relay = startOutboxRelay(database.db, producer, { intervalMs: 3_600_000, logger: silent });
    try {
      const pending = async () => (await database.db.select({ id: schema.outbox.id }).from(schema.outbox).where(isNull(schema.outbox.dispatchedAt))).length;
      for (let i = 0; i < 300 && (await pending()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await pending()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('refuses a payload that does not match the job schema before it reaches Redis', async () => {
    await expect(producer.enqueue('system.echo', { note: 42 } as never)).rejects.toThrow();
  });
});
