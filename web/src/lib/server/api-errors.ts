import { error, fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { TLocale } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { errorCodeMessage } from '../requests/refusals';
import { ApiError } from './api';
import { loginPath } from './safe-redirect';

/** What every failed form action returns, so every form renders errors the same way. */
export interface FormFailure<V = undefined> {
  message: string;
  code: string;
  requestId: string;
  /** Field name → translated message; the field links it with aria-describedby and sets aria-invalid. */
  fieldErrors: Record<string, string>;
  /** What the user submitted (never a password), to show the form back as it was. */
  values: V;
}

interface FailureOptions<V> {
  values: V;
  /** Message for a field the API named in `details[].path`; undefined leaves that field unmarked. */
  fieldMessage?: (field: string) => string | undefined;
}

export function apiErrorMessage(locale: TLocale, err: ApiError): string {
  return errorCodeMessage(locale, err.code) ?? translate(locale, err.status >= 500 ? 'apiError.unavailable' : 'apiError.unknown');
}

/** A missing or expired session, as opposed to wrong credentials typed into the sign-in form. */
function isSessionMissing(err: ApiError): boolean {
  return err.status === 401 && err.code !== 'invalid_credentials';
}

/** For `load`: no session → sign-in page (coming back afterwards); any other API error → the error page. */
export function raisePageError(event: RequestEvent, err: unknown): never {
  if (!(err instanceof ApiError)) throw err;
  if (isSessionMissing(err)) redirect(303, loginPath(event.url));
  error(err.status, {
    message: apiErrorMessage(event.locals.locale, err),
    code: err.code,
    requestId: err.requestId ?? event.locals.requestId,
  });
}

export async function loadOrRaise<T>(event: RequestEvent, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    raisePageError(event, err);
  }
}

/**
 * For form actions: no session → sign-in page; other API errors → `fail()` with a translated message and,
 * for `validation_failed`, per-field messages (the last segment of the API's `details[].path` is the field).
 */
export function actionFailure<V>(
  event: RequestEvent,
  err: unknown,
  { values, fieldMessage = () => undefined }: FailureOptions<V>,
): ActionFailure<FormFailure<V>> {
  if (!(err instanceof ApiError)) throw err;
  if (isSessionMissing(err)) redirect(303, loginPath(event.url));
  const fieldErrors: Record<string, string> = {};
  for (const detail of err.details) {
    const field = detail.path.split(/[./]/).filter(Boolean).at(-1);
    const message = field ? fieldMessage(field) : undefined;
    if (field && message && !fieldErrors[field]) fieldErrors[field] = message;
  }
  return fail(err.status, {
    message: apiErrorMessage(event.locals.locale, err),
    code: err.code,
    requestId: err.requestId ?? event.locals.requestId,
    fieldErrors,
    values,
  });
}

/** A form that failed our own re-validation with the contract schema, before any API call. */
export function invalidForm<V>(
  event: RequestEvent,
  fieldErrors: Record<string, string>,
  values: V,
): ActionFailure<FormFailure<V>> {
  return fail(400, {
    message: translate(event.locals.locale, 'form.fixErrors'),
    code: 'validation_failed',
    requestId: event.locals.requestId,
    fieldErrors,
    values,
  });
}
