import { z } from 'zod';
import { defineJob } from '../../define-job.js';
import { ISSUE_JOB_OPTIONS } from './issue-station-certificate.js';

/** Requests the relay packs into one job: 64 × ~1.5 ms of signing keeps the transaction (and the event loop) short. */
export const CSR_BATCH = 64;

export const ZSignCsrsPayload = z
  .object({ certificateIds: z.array(z.string().regex(/^cert_[0-9a-z]{10,32}$/)).min(1).max(CSR_BATCH) })
  .strict();
export type TSignCsrsPayload = z.infer<typeof ZSignCsrsPayload>;

/**
 * CSR flow: signs the listed pending CSR rows in one transaction (issueCsrRows). Each request's outbox row names its
 * own certificate; the relay packs up to CSR_BATCH of them into one job, so 682 requests cost ~11 jobs, not 682.
 * Idempotent per certificate (status guard) and per job (tracked run); a row that cannot be signed fails with its
 * reason and does not hold up the others.
 */
export const signCsrsJob = defineJob({
  name: 'pki.sign-csrs',
  queue: 'pki',
  payload: ZSignCsrsPayload,
  options: ISSUE_JOB_OPTIONS,
  tracked: true,
  coalesce: { field: 'certificateIds', max: CSR_BATCH },
  handler: async () => (await import('./issue-station-certificate.handler.js')).handleSignCsrs,
});
