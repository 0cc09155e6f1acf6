import { z } from 'zod';
import { defineJob } from '../../define-job.js';

export const ZPingPayload = z.object({ nonce: z.string().min(8).max(64) }).strict();

/** The health check's real round trip: API → Redis → a worker → the database → back. */
export const pingJob = defineJob({
  name: 'system.ping',
  queue: 'system',
  payload: ZPingPayload,
  // One attempt: a health check that needs a retry is already an answer. Kept a minute so the waiting
  // caller can still read the result, then dropped: no history.
  options: { attempts: 1, removeOnComplete: { age: 60 }, removeOnFail: { age: 3600 } },
  tracked: false,
  handler: async () => (await import('./ping.handler.js')).handlePing,
});

/** A tracked, idempotent no-op used to prove outbox delivery end to end (tests, `ops` smoke checks). */
export const ZEchoPayload = z.object({ note: z.string().max(200) }).strict();
export const echoJob = defineJob({
  name: 'system.echo',
  queue: 'system',
  payload: ZEchoPayload,
  options: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
  tracked: true,
  handler: async () => (await import('./ping.handler.js')).handleEcho,
});
