import { listPendingOutbox, markOutboxDispatched, markOutboxFailed, type Db } from '@varco/db';
import { catalog, isJobName, type TJobName } from './catalog.js';
import type { TProducer } from './producer.js';
import type { TWorkerLogger } from './runtime.js';

/**
 * Moves committed outbox rows to BullMQ with jobId = outbox id. Two relays (or one relay twice) may enqueue
 * the same row: BullMQ drops a duplicate jobId while the first job exists, and the handler's job_runs key
 * makes a later duplicate a no-op. Rows of a job declared `coalesce` are packed, up to its `max`, into one job (jobId =
 * first row's id + how many): a relay that dies before marking them may pack them again differently, and the handler,
 * idempotent per id, does each id once. Returns how many rows were dispatched.
 */
export async function relayOutboxOnce(db: Db, producer: TProducer, params: { limit: number; logger?: TWorkerLogger }) {
  const rows = await listPendingOutbox(db, { limit: params.limit });
  const dispatched: string[] = [];
  for (const { name, rows: packed, payload } of packJobs(rows)) {
    const ids = packed.map((row) => row.id);
    try {
      if (!name) throw new Error(`unknown job ${packed[0]!.jobName}`);
      await producer.enqueue(name, payload as never, { jobId: packed.length === 1 ? packed[0]!.id : `${packed[0]!.id}-x${packed.length}` });
      dispatched.push(...ids);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      params.logger?.error('outbox dispatch failed', { outboxIds: ids, job: packed[0]!.jobName, error: message });
      for (const id of ids) await markOutboxFailed(db, { id, error: message });
    }
  }
  await markOutboxDispatched(db, { ids: dispatched });
  return dispatched.length;
}

type TOutboxRow = Awaited<ReturnType<typeof listPendingOutbox>>[number];

/** One job per row, except rows of a `coalesce` job: their `field` arrays joined, `max` ids to a job, in outbox order. */
function packJobs(rows: TOutboxRow[]): { name: TJobName | null; rows: TOutboxRow[]; payload: unknown }[] {
  const jobs: { name: TJobName | null; rows: TOutboxRow[]; payload: unknown }[] = [];
  const open = new Map<TJobName, { rows: TOutboxRow[]; ids: unknown[] }>();
  for (const row of rows) {
    const name = isJobName(row.jobName) ? row.jobName : null;
    const coalesce = name ? catalog[name].coalesce : undefined;
    const ids = coalesce ? (row.payload as Record<string, unknown> | null)?.[coalesce.field] : undefined;
    if (!name || !coalesce || !Array.isArray(ids)) {
      jobs.push({ name, rows: [row], payload: row.payload });
      continue;
    }
    let pack = open.get(name);
    if (!pack || pack.ids.length + ids.length > coalesce.max) {
      pack = { rows: [], ids: [] };
      open.set(name, pack);
      jobs.push({ name, rows: pack.rows, payload: { [coalesce.field]: pack.ids } });
    }
    pack.rows.push(row);
    pack.ids.push(...ids);
  }
  return jobs;
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
