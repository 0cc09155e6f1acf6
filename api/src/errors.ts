import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

/** The closed list of error codes and their HTTP statuses. Clients switch on `code`, never on `message`. */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_attempts: 429,
  internal: 500,
  unavailable: 503,
  // PKI: a one-time bundle already taken; the CA key cannot be used (no CA, passphrase missing or wrong).
  bundle_gone: 410,
  pki_unavailable: 503,
  // A station certificate command refused for one precise reason (PkiCommandError in @varco/db).
  employee_inactive: 422,
  asset_unusable: 422,
  station_has_certificate: 409,
  issuance_key_conflict: 409,
  not_revocable: 409,
  bundle_not_ready: 409,
  not_renewable: 409,
  not_installable: 409,
  // A CSR refused by `inspectCsr` (workers/src/pki/csr.ts) or by our profile rules: one code per reason.
  csr_too_large: 413,
  csr_empty: 422,
  csr_malformed: 422,
  csr_not_a_csr: 422,
  csr_bad_signature: 422,
  csr_weak_signature: 422,
  csr_signature_unsupported: 422,
  csr_key_unsupported: 422,
  csr_key_too_small: 422,
  csr_requests_ca: 422,
  csr_requests_usage: 422,
  csr_requests_names: 422,
  // A CA from the console: replacing the active one needs its id echoed; an import refused for one precise reason.
  ca_replace_unconfirmed: 409,
  ca_active_changed: 409,
  ca_certificate_invalid: 422,
  ca_key_invalid: 422,
  ca_key_unsupported: 422,
  ca_key_mismatch: 422,
  ca_not_a_ca: 422,
  ca_not_yet_valid: 422,
  ca_expired: 422,
  ca_chain_invalid: 422,
} as const satisfies Record<string, ContentfulStatusCode>;
export type TErrorCode = keyof typeof ERROR_STATUS;

export interface TErrorDetail {
  path: string;
  message: string;
}

/** A rule's refusal as a stable code with parameters (kit request workflow), for clients that translate. */
export interface TErrorReason {
  reason: string;
  params: Record<string, string | number>;
}

export class ApiError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly details?: TErrorDetail[],
    readonly refusal?: TErrorReason | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function validationError(error: z.ZodError): ApiError {
  const details = error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  const first = details[0];
  return new ApiError('validation_failed', first ? `Invalid ${first.path}: ${first.message}` : 'Invalid input', details);
}

/** The refusal of an error as the fields of a bulk answer's entry (nothing when the error has none). */
export function refusalFields(err: ApiError): Partial<TErrorReason> {
  return err.refusal ? { reason: err.refusal.reason, params: err.refusal.params } : {};
}

export function errorBody(err: ApiError, requestId: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      requestId,
      ...(err.details ? { details: err.details } : {}),
      ...refusalFields(err),
    },
  };
}
