import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { outbox } from '../schema/index.js';

/** Queue a job as part of the caller's transaction; the relay enqueues it after commit. Payload: ids only. */
export async function addToOutbox(tx: Db, jobName: string, payload: Record<string, unknown>): Promise<string> {
  const id = newId('outbox');
  await tx.insert(outbox).values({ id, jobName, payload });
  return id;
}

export async function listPendingOutbox(db: Db, params: { limit: number }) {
  return db
    .select()
    .from(outbox)
    .where(isNull(outbox.dispatchedAt))
    .orderBy(asc(outbox.createdAt))
    .limit(params.limit);
}

export async function markOutboxDispatched(db: Db, params: { ids: string[] }): Promise<void> {
  if (params.ids.length === 0) return;
  await db
    .update(outbox)
    .set({ dispatchedAt: new Date(), attempts: sql`${outbox.attempts} + 1` })
    .where(and(inArray(outbox.id, params.ids), isNull(outbox.dispatchedAt)));
}

export async function markOutboxFailed(db: Db, params: { id: string; error: string }): Promise<void> {
  await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: params.error.slice(0, 500) })
    .where(inArray(outbox.id, [params.id]));
}
