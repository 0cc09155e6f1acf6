import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { ZIdParam, type TLocale } from '@varco/api/contract';
import { translate } from '../i18n/translate';
import { refusalText, type Refusal } from '../requests/refusals';
import { alreadyDone, DESTRUCTIVE_ACTIONS, type RequestAction } from '../requests/workflow';
import { ApiError } from './api';
import { apiErrorMessage, invalidForm } from './api-errors';
import { workflowFailure } from './request-failures';
import { readBulkForm, readTransitionForm, validateBulk, validateTransition } from './request-forms';

/** What a failed request form sends back: which form it was, and what the user had typed. */
export interface RequestFormValues {
  form: 'transition' | 'take' | 'assign' | 'checklist' | 'certificate' | 'bulk';
  requestId?: string;
  action?: string;
  comment?: string;
  override?: boolean;
  itemId?: string;
  assetId?: string;
}

const ZRequestIdParam = ZIdParam('req');

/** A malformed id is answered like an unknown one, without bothering the API. */
export function parseRequestId(event: Pick<RequestEvent, 'locals'>, raw: unknown): string {
  const parsed = ZRequestIdParam.safeParse({ id: raw });
  if (!parsed.success) {
    error(404, {
      message: translate(event.locals.locale, 'apiError.not_found'),
      code: 'not_found',
      requestId: event.locals.requestId,
    });
  }
  return parsed.data.id;
}

export function invalidRequestForm(event: RequestEvent, fieldErrors: Record<string, string>, values: RequestFormValues) {
  const failure = invalidForm(event, fieldErrors, values);
  return fail(failure.status, { ...failure.data, apiMessage: null as string | null });
}

function transitionMessage(locale: TLocale, err: ApiError): string | undefined {
  if (err.status === 422) return translate(locale, 'request.error.notEligible');
  if (err.status === 409) return translate(locale, 'request.error.conflict');
  return undefined;
}

/**
 * One workflow step from a form, shared by the request page and the approvals page. Destructive steps come
 * back as `confirm` until the second step ("Conferma") is pressed; a 409 for a step that the timeline already
 * has (double click, second tab) is not an error but `already`.
 */
export async function runTransition(event: RequestEvent, id: string, form: FormData) {
  const { locale, api } = event.locals;
  const values = readTransitionForm(form);
  const formValues: RequestFormValues = {
    form: 'transition',
    requestId: id,
    action: values.action,
    comment: values.comment,
    override: values.override,
  };
  const validation = validateTransition(locale, values);
  if (!validation.success) return invalidRequestForm(event, validation.fieldErrors, formValues);
  const action = validation.request.action;

  if (DESTRUCTIVE_ACTIONS.has(action) && !values.confirmed) {
    return { kind: 'confirm' as const, requestId: id, action, comment: values.comment, override: values.override };
  }
  try {
    const after = await api.requests.transition(id, validation.request);
    return { kind: 'done' as const, requestId: id, number: after.number, action };
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const current = await api.requests.get(id).catch(() => null);
      if (current && alreadyDone(current, action)) {
        return { kind: 'already' as const, requestId: id, number: current.number, action };
      }
    }
    return workflowFailure(event, err, formValues, (apiError) => transitionMessage(locale, apiError));
  }
}

export interface BulkFailure {
  requestId: string;
  number: string;
  message: string;
  apiMessage: string | null;
}

function bulkFailureMessage(locale: TLocale, code: string | undefined): string {
  if (code === 'conflict') return translate(locale, 'request.error.conflict');
  if (code === 'unprocessable') return translate(locale, 'bulk.error.notEligible');
  return apiErrorMessage(locale, new ApiError(400, code ?? 'unknown', '', null));
}

/** A bulk entry's failure in words: the translated refusal or precise code, else the code's message with the server's sentence. */
export function bulkFailureText(
  locale: TLocale,
  entry: Refusal & { code?: string | undefined; message?: string | undefined },
  messageForCode: (locale: TLocale, code: string | undefined) => string,
): { message: string; apiMessage: string | null } {
  return refusalText(locale, entry, (code) => messageForCode(locale, code));
}

/** The same step on many requests; the answer names each request that failed, with the reason. */
export async function runBulk(event: RequestEvent, form: FormData, allowed: readonly RequestAction[]) {
  const { locale, api } = event.locals;
  const values = readBulkForm(form);
  const formValues: RequestFormValues = { form: 'bulk', action: values.action, comment: values.comment };
  const validation = validateBulk(locale, values, allowed);
  if (!validation.success) return invalidRequestForm(event, validation.fieldErrors, formValues);
  try {
    const result = await api.requests.bulkTransition(validation.request);
    const failed = result.results.filter((entry) => !entry.ok);
    // The API answers with ids; people read numbers (R-2026-000123). Only failures need looking up.
    const numbers = await Promise.all(
      failed.map((entry) =>
        api.requests
          .get(entry.requestId)
          .then((detail) => detail.number)
          .catch(() => entry.requestId),
      ),
    );
    const failures: BulkFailure[] = failed.map((entry, index) => ({
      requestId: entry.requestId,
      number: numbers[index]!,
      ...bulkFailureText(locale, entry, bulkFailureMessage),
    }));
    return {
      kind: 'bulk' as const,
      action: validation.request.action,
      done: result.done,
      failed: result.failed,
      failures,
    };
  } catch (err) {
    return workflowFailure(event, err, formValues);
  }
}
