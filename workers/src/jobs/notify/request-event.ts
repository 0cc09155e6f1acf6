import { z } from 'zod';
import { defineJob } from '../../define-job.js';

export const ZRequestEventPayload = z.object({ requestId: z.string().min(1).max(64), eventId: z.string().min(1).max(64) }).strict();
export type TRequestEventPayload = z.infer<typeof ZRequestEventPayload>;

/**
 * One e-mail for one step of a kit request (written to the outbox by every transition). Tracked, so a second
 * delivery of a job that already sent returns the stored result instead of mailing again.
 */
export const notifyRequestEventJob = defineJob({
  name: 'notify.request-event',
  queue: 'notify',
  payload: ZRequestEventPayload,
  // SMTP relays go down for maintenance, greylist and throttle (4xx) all the time: mail may arrive late but must not
  // be lost to a short outage. 8 attempts, exponential from 30 s (30 s, 1, 2, 4, 8, 16, 32 min: about an hour in
  // all), each wait up to 20% shorter at random so a backlog does not hit the relay in one burst when it comes
  // back. Failed jobs stay a month so an operator can see and retry them.
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 30_000, jitter: 0.2 },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  },
  tracked: true,
  handler: async () => (await import('./request-event.handler.js')).handleRequestEvent,
});
