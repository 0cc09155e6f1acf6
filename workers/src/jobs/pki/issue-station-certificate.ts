import { z } from 'zod';
import { defineJob } from '../../define-job.js';

export const ZCertificateJobPayload = z.object({ certificateId: z.string().regex(/^cert_[0-9a-z]{10,32}$/) }).strict();
export type TCertificateJobPayload = z.infer<typeof ZCertificateJobPayload>;

export const ISSUE_ATTEMPTS = 3;

/**
 * Codes a failed issuance stores in `certificates.failure_code` (the console words each one), besides a CSR check's own
 * code (`CSR_ERROR_CODES`, when the worker's re-check refuses the stored CSR).
 */
export const ISSUANCE_FAILURE_CODES = ['ca_changed', 'no_vpn_gateway', 'otp_gone', 'otp_unreadable', 'pki_unavailable', 'issuance_error'] as const;
export type TIssuanceFailureCode = (typeof ISSUANCE_FAILURE_CODES)[number];

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
