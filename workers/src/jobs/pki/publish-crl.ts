import { z } from 'zod';
import { defineJob } from '../../define-job.js';

/**
 * `revocation` (after every revocation, through the outbox) and `manual` publish at once; `schedule` (hourly tick)
 * publishes only when less than half of the CRL's validity is left. Ids only; the CA key comes from the worker.
 */
export const ZPublishCrlPayload = z
  .object({ caId: z.string().regex(/^ca_[0-9a-z]{10,32}$/).nullable(), trigger: z.enum(['revocation', 'schedule', 'manual']) })
  .strict();
export type TPublishCrlPayload = z.infer<typeof ZPublishCrlPayload>;

export const publishCrlJob = defineJob({
  name: 'pki.publish-crl',
  queue: 'pki',
  payload: ZPublishCrlPayload,
  // An expired CRL locks every VPN user out (TRAPS.md): retry for about an hour before giving up on this job;
  // the hourly tick tries again anyway.
  options: { attempts: 8, backoff: { type: 'exponential', delay: 15_000, jitter: 0.2 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } },
  tracked: true,
  handler: async () => (await import('./publish-crl.handler.js')).handlePublishCrl,
});
