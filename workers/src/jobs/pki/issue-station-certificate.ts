import { z } from 'zod';
import { defineJob } from '../../define-job.js';

export const ZCertificateJobPayload = z.object({ certificateId: z.string().regex(/^cert_[0-9a-z]{10,32}$/) }).strict();
export type TCertificateJobPayload = z.infer<typeof ZCertificateJobPayload>;

export const ISSUE_ATTEMPTS = 3;

/** Issuance jobs (one certificate, or packed CSRs): a few retries, a week of history, failures kept a month. */
export const ISSUE_JOB_OPTIONS = { attempts: ISSUE_ATTEMPTS, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } } as const;

/**
 * Key (server-key flow) + certificate + PKCS#12 + .ovpn for one pending certificate row. Ids only in the payload:
 * the one-time password waits sealed on the row. Idempotent per certificate (the row is written once, guarded by
 * status 'pending'), and per job (tracked run). A few retries cover a database hiccup; a PKI that cannot sign
 * (no CA, wrong passphrase) fails at once with UnrecoverableError and says why on the row.
 */
export const issueStationCertificateJob = defineJob({
  name: 'pki.issue-station-certificate',
  queue: 'pki',
  payload: ZCertificateJobPayload,
  options: ISSUE_JOB_OPTIONS,
  tracked: true,
  handler: async () => (await import('./issue-station-certificate.handler.js')).handleIssueStationCertificate,
});
