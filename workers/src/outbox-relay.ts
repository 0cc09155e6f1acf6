import { listPendingOutbox, markOutboxDispatched, markOutboxFailed, type Db } from '@varco/db';
import { isJobName } from './catalog.js';
import type { TProducer } from './producer.js';
import type { TWorkerLogger } from './runtime.js';

/**
 * Moves committed outbox rows to BullMQ with jobId = outbox id. Two relays (or one relay twice) may enqueue
 * the same row: BullMQ drops a duplicate jobId while the first job exists, and the handler's job_runs key
 * makes a later duplicate a no-op. Returns how many rows were dispatched.
 */
export async function relayOutboxOnce(db: Db, producer: TProducer, params: { limit: number; logger?: TWorkerLogger }) {
  const rows = await listPendingOutbox(db, { limit: params.limit });
  const dispatched: string[] = [];
  for (const row of rows) {
    try {
      if (!isJobName(row.jobName)) throw new Error(`unknown job ${row.jobName}`);
      await producer.enqueue(row.jobName, row.payload as never, { jobId: row.id });
      dispatched.push(row.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      params.logger?.error('outbox dispatch failed', { outboxId: row.id, job: row.jobName, error: message });
      await markOutboxFailed(db, { id: row.id, error: message });
    }
  }
  await markOutboxDispatched(db, { ids: dispatched });
  return dispatched.length;
}

const RELAY_BATCH = 100;

/** Polls the outbox; commands can call `nudge()` after commit so jobs start without waiting for the next tick. */
export function startOutboxRelay(db: Db, producer: TProducer, params: { intervalMs: number; logger: TWorkerLogger }) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    let full = false;
    running = relayOutboxOnce(db, producer, { limit: RELAY_BATCH, logger: params.logger })
      .then((dispatched) => void (full = dispatched === RELAY_BATCH))
      .catch((err: Error) => params.logger.error('outbox relay error', { error: err.message }))
      .finally(() => {
        // A full batch means more rows wait (a bulk issuance of hundreds): go on at once rather than trickle at
        // one batch per interval. A failed dispatch (Redis down) never counts as full, so an outage never spins.
        if (!stopped) timer = setTimeout(tick, full ? 0 : params.intervalMs);
      });
  };
  tick();
  return {
    nudge() {
      if (stopped) return;
      clearTimeout(timer);
      void running.then(() => {
        if (!stopped) {
          clearTimeout(timer);
          tick();
        }
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
