import { json, type RequestEvent } from '@sveltejs/kit';
import { ZBulkCertificates, type TLocale } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import type { BulkCertificateEntry, BulkCertificatesData, CertificateProgress } from '$lib/forms/bulk-certificates';
import { ApiError } from './api';
import { apiErrorMessage } from './api-errors';
import { bulkFailureText, invalidRequestForm, type RequestFormValues } from './request-actions';
import { workflowFailure } from './request-failures';

const MAX_WATCHED = 50;
const CERTIFICATE_ID = /^cert_[0-9a-z]{10,32}$/;

/**
 * "Issue certificates for many" from the queue: one API call per chunk the browser posts (every VPN item of the
 * selected requests, server-key flow). The one-time passwords travel back only in this answer, never in page data.
 */
export async function runBulkCertificates(event: RequestEvent, form: FormData) {
  const { locale, api } = event.locals;
  const requestIds = [...new Set(form.getAll('requestIds').filter((id): id is string => typeof id === 'string' && id !== ''))];
  const values: RequestFormValues = { form: 'bulk' };
  const parsed = ZBulkCertificates.safeParse({ requestIds });
  if (!parsed.success) return invalidRequestForm(event, { requestIds: translate(locale, 'bulk.error.none') }, values);
  try {
    const answer = await api.requests.bulkCertificates(parsed.data);
    const entries: BulkCertificateEntry[] = answer.results.map((result) => ({
      requestId: result.requestId,
      number: result.number ?? result.requestId,
      employeeName: result.employeeName,
      itemId: result.itemId,
      ok: result.ok,
      certificateId: result.certificateId,
      oneTimePassword: result.oneTimePassword,
      replayed: result.replayed,
      ...(result.ok ? { message: null, apiMessage: null } : bulkFailureText(locale, result, certificateFailureMessage)),
    }));
    return { kind: 'certificates', done: answer.done, failed: answer.failed, entries } satisfies BulkCertificatesData;
  } catch (err) {
    return workflowFailure(event, err, values);
  }
}

/** Why an item got no certificate: the request is not being fulfilled (409), or something must be done first (422). */
function certificateFailureMessage(locale: TLocale, code: string | undefined): string {
  if (code === 'conflict') return translate(locale, 'queue.certificates.error.conflict');
  if (code === 'unprocessable') return translate(locale, 'queue.certificates.error.unprocessable');
  return apiErrorMessage(locale, new ApiError(400, code ?? 'unknown', '', null));
}

/**
 * What the progress bar follows: the certificates' real states (the worker's progress, issued, failed), read
 * through the console's server like every other call. Unknown or unreadable ids are left out.
 */
export async function certificateProgress(event: RequestEvent): Promise<Response> {
  const ids = [...new Set(event.url.searchParams.getAll('id'))].filter((id) => CERTIFICATE_ID.test(id)).slice(0, MAX_WATCHED);
  let found;
  try {
    found = await Promise.all(
      ids.map((id) =>
        event.locals.api.pki.get(id).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 401) throw err;
          return null;
        }),
      ),
    );
  } catch {
    // The session ended meanwhile: the page stops following and the next navigation signs in again.
    return json({ certificates: [] }, { status: 401, headers: { 'cache-control': 'no-store' } });
  }
  const certificates: CertificateProgress[] = found
    .filter((certificate) => certificate !== null)
    .map(({ id, state, progress, failure, failureCode, bundle }) => ({ id, state, progress, failure, failureCode, bundle }));
  return json({ certificates }, { headers: { 'cache-control': 'no-store' } });
}
