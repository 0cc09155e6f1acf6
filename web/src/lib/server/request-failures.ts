import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { refusalMessage } from '../requests/refusals';
import { ApiError } from './api';
import { actionFailure, type FormFailure } from './api-errors';

/**
 * Workflow refusals carry a reason code the console translates (`refusal.<reason>`). Only a reason it does not know
 * (a newer server) falls back to the rule's own English sentence, shown as a detail marked lang="en".
 */
const WORKFLOW_CODES = new Set(['conflict', 'forbidden', 'unprocessable', 'validation_failed']);

export type WorkflowFailure<V> = FormFailure<V> & { apiMessage: string | null };

export function workflowFailure<V>(
  event: RequestEvent,
  err: unknown,
  values: V,
  messageFor?: (err: ApiError) => string | undefined,
): ActionFailure<WorkflowFailure<V>> {
  const failure = actionFailure(event, err, { values });
  const apiError = err as ApiError;
  const translated = apiError.refusal ? refusalMessage(event.locals.locale, apiError.refusal) : null;
  if (translated) return fail(failure.status, { ...failure.data, message: translated, apiMessage: null });
  const message = messageFor?.(apiError) ?? failure.data.message;
  const apiMessage = WORKFLOW_CODES.has(apiError.code) && apiError.message ? apiError.message : null;
  return fail(failure.status, { ...failure.data, message, apiMessage });
}
