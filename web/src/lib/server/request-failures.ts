import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { refusalText } from '../requests/refusals';
import { ApiError } from './api';
import { actionFailure, type FormFailure } from './api-errors';

/**
 * Workflow refusals carry a reason code the console translates (`refusal.<reason>`); other refusals (the PKI's CSR
 * checks, CA import, bundle gone…) a precise error code (`apiError.<code>`). Only a generic code or one the console
 * does not know (a newer server) keeps the server's own English sentence, shown as a detail marked lang="en".
 */
export type WorkflowFailure<V> = FormFailure<V> & { apiMessage: string | null };

export function workflowFailure<V>(
  event: RequestEvent,
  err: unknown,
  values: V,
  messageFor?: (err: ApiError) => string | undefined,
): ActionFailure<WorkflowFailure<V>> {
  const failure = actionFailure(event, err, { values });
  const apiError = err as ApiError;
  const call = { code: apiError.code, message: apiError.message, ...apiError.refusal };
  const text = refusalText(event.locals.locale, call, () => messageFor?.(apiError) ?? failure.data.message);
  return fail(failure.status, { ...failure.data, ...text });
}
