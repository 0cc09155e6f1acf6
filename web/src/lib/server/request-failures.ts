import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { ApiError } from './api';
import { actionFailure, type FormFailure } from './api-errors';

/** Workflow refusals carry the state machine's own sentence (English); the console shows it as a detail. */
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
  const message = messageFor?.(apiError) ?? failure.data.message;
  const apiMessage = WORKFLOW_CODES.has(apiError.code) && apiError.message ? apiError.message : null;
  return fail(failure.status, { ...failure.data, message, apiMessage });
}
