import { z } from 'zod';
import { defineJob } from '../../define-job.js';

export const ZPkiDailyPayload = z.object({ trigger: z.literal('schedule') }).strict();

/** Once a day: renewals past their deadline retire the old certificate; certificates about to expire get a reminder. */
export const pkiDailyJob = defineJob({
  name: 'pki.daily-maintenance',
  queue: 'pki',
  payload: ZPkiDailyPayload,
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { age: 30 * 86_400 }, removeOnFail: { age: 90 * 86_400 } },
  tracked: true,
  handler: async () => (await import('./daily-maintenance.handler.js')).handlePkiDaily,
});

export const ZExpiryReminderPayload = z.object({ certificateId: z.string().regex(/^cert_[0-9a-z]{10,32}$/) }).strict();

/** One e-mail to the holder of a certificate entering the warning window (queued once by the daily job). */
export const expiryReminderJob = defineJob({
  name: 'pki.expiry-reminder',
  queue: 'notify',
  payload: ZExpiryReminderPayload,
  options: { attempts: 8, backoff: { type: 'exponential', delay: 30_000, jitter: 0.2 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } },
  tracked: true,
  handler: async () => (await import('./daily-maintenance.handler.js')).handleExpiryReminder,
});
