import { fail, type RequestEvent } from '@sveltejs/kit';
import { REVOCATION_REASONS, STATION_KEY_TYPES, type TCertificateBundle, type TRevocationReason } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { workflowFailure } from './request-failures';

/**
 * Form actions of the station-certificate screens (employee page, request page). The browser never calls the
 * API: these run on the console's server with the session's CSRF token. Results the hot-line must see once — the
 * one-time password, the bundle — travel back only in the action's answer, never in page data.
 */
export interface TPkiActionResult {
  pki: { issued?: { certificateId: string; oneTimePassword: string | null }; bundle?: TCertificateBundle; revoked?: boolean; installed?: boolean };
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/**
 * A refused PKI call in the reader's language, by its code (CSR checks, bundle gone, PKI unavailable…) or a workflow
 * rule's reason; the server's English sentence only where the console has no precise words (see `refusalText`).
 */
function pkiFailure(event: RequestEvent, err: unknown) {
  return workflowFailure(event, err, undefined);
}

function issuanceOptions(form: FormData) {
  const flow = text(form, 'flow') === 'csr' ? ('csr' as const) : ('server-key' as const);
  const keyType = STATION_KEY_TYPES.find((type) => type === text(form, 'keyType')) ?? 'ec-p256';
  const issuanceKey = /^[A-Za-z0-9:._-]{8,128}$/.test(text(form, 'issuanceKey')) ? text(form, 'issuanceKey') : undefined;
  return flow === 'csr' ? { flow, csrPem: text(form, 'csrPem'), issuanceKey } : { flow, keyType, issuanceKey };
}

export async function issueCertificateAction(event: RequestEvent, employeeId: string) {
  try {
    const answer = await event.locals.api.pki.issue({ employeeId, ...issuanceOptions(await event.request.formData()) });
    return { pki: { issued: { certificateId: answer.certificate.id, oneTimePassword: answer.oneTimePassword } } } satisfies TPkiActionResult;
  } catch (err) {
    return pkiFailure(event, err);
  }
}

export async function renewCertificateAction(event: RequestEvent) {
  const form = await event.request.formData();
  try {
    const answer = await event.locals.api.pki.renew(text(form, 'certificateId'), issuanceOptions(form));
    return { pki: { issued: { certificateId: answer.certificate.id, oneTimePassword: answer.oneTimePassword } } } satisfies TPkiActionResult;
  } catch (err) {
    return pkiFailure(event, err);
  }
}

export async function downloadBundleAction(event: RequestEvent) {
  const form = await event.request.formData();
  try {
    return { pki: { bundle: await event.locals.api.pki.bundle(text(form, 'certificateId')) } } satisfies TPkiActionResult;
  } catch (err) {
    return pkiFailure(event, err);
  }
}

export async function revokeCertificateAction(event: RequestEvent) {
  const form = await event.request.formData();
  const reason = REVOCATION_REASONS.find((name) => name === text(form, 'reason')) as TRevocationReason | undefined;
  // The confirmation is re-checked here: a revocation is final, a missing tick must never revoke.
  if (!reason || text(form, 'confirm') !== 'yes') {
    return fail(400, { message: translate(event.locals.locale, 'pki.revoke.confirm'), code: 'validation_failed', requestId: event.locals.requestId, fieldErrors: { confirm: translate(event.locals.locale, 'pki.revoke.confirm') }, values: undefined });
  }
  try {
    await event.locals.api.pki.revoke(text(form, 'certificateId'), reason, text(form, 'comment').trim() || null);
    return { pki: { revoked: true } } satisfies TPkiActionResult;
  } catch (err) {
    return pkiFailure(event, err);
  }
}

export async function confirmInstalledAction(event: RequestEvent) {
  const form = await event.request.formData();
  try {
    await event.locals.api.pki.installed(text(form, 'certificateId'));
    return { pki: { installed: true } } satisfies TPkiActionResult;
  } catch (err) {
    return pkiFailure(event, err);
  }
}
