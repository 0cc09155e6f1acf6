import type { TLocale } from '@varco/api/contract';
import { isMessageKey, translate, type MessageParams } from '../i18n/translate';

/** A workflow rule's refusal as the API sends it (`error.reason`, `error.params`, or a bulk entry's fields). */
export interface Refusal {
  reason?: string | undefined;
  params?: Record<string, string | number> | undefined;
}

/**
 * Parameters hold codes (states, actions, kinds, checklist boxes, eligibility problems); each becomes its label in
 * the reader's language. Lists are comma-separated codes.
 */
const LABEL_PREFIX: Readonly<Record<string, string>> = {
  status: 'requestStatus',
  action: 'requestAction',
  kind: 'technology',
  kinds: 'technology',
  boxes: 'checklist',
  type: 'assetType',
};

function labelOf(locale: TLocale, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return isMessageKey(key) ? translate(locale, key) : code;
}

function labelledParams(locale: TLocale, params: Record<string, string | number>): MessageParams {
  const labelled: MessageParams = {};
  for (const [name, value] of Object.entries(params)) {
    const prefix = LABEL_PREFIX[name];
    labelled[name] = prefix && typeof value === 'string' ? labelList(locale, prefix, value) : value;
  }
  // Eligibility problems are sentences with parameters of their own (the profile, the kinds), sent alongside.
  if (typeof params['problems'] === 'string') {
    const { problems, ...own } = params;
    const ownLabelled = labelledParams(locale, own);
    labelled['problems'] = problems
      .split(',')
      .filter(Boolean)
      .map((code) => {
        const key = `eligibility.problem.${code}`;
        return isMessageKey(key) ? translate(locale, key, ownLabelled) : code;
      })
      .join('; ');
  }
  return labelled;
}

function labelList(locale: TLocale, prefix: string, codes: string): string {
  return codes
    .split(',')
    .filter(Boolean)
    .map((code) => labelOf(locale, prefix, code))
    .join(', ');
}

/** The refusal in the reader's language, or null for a reason this console does not know (show the server's words). */
export function refusalMessage(locale: TLocale, refusal: Refusal): string | null {
  if (!refusal.reason) return null;
  const key = `refusal.${refusal.reason}`;
  if (!isMessageKey(key)) return null;
  return translate(locale, key, labelledParams(locale, refusal.params ?? {}));
}

/** One eligibility problem (`eligibilityReasons` of a request), or null for an unknown code. */
export function eligibilityProblemMessage(locale: TLocale, problem: { code: string; params: Record<string, string | number> }): string | null {
  const key = `eligibility.problem.${problem.code}`;
  return isMessageKey(key) ? translate(locale, key, labelledParams(locale, problem.params)) : null;
}

/**
 * Codes whose sentence is generic ("changed meanwhile", "cannot be done with these data"): the server's own sentence
 * says which rule refused, so it is shown beside ours. Every other code with an `apiError.<code>` sentence — the CSR
 * checks, the CA import, a bundle already taken, the PKI unavailable — is precise and replaces the server's words.
 */
const GENERIC_CODES: ReadonlySet<string> = new Set(['conflict', 'forbidden', 'unprocessable', 'validation_failed']);

/** A refused API call as the console receives it: the stable code, the server's English sentence, a rule's reason. */
export interface RefusedCall extends Refusal {
  code?: string | undefined;
  message?: string | undefined;
}

/** The error code's own sentence in the reader's language (`apiError.<code>`), or null for a code unknown here. */
export function errorCodeMessage(locale: TLocale, code: string): string | null {
  const key = `apiError.${code}`;
  return isMessageKey(key) ? translate(locale, key) : null;
}

/**
 * Any refusal in the reader's language: a workflow rule's reason (`refusal.<reason>`), else a precise code's sentence.
 * Only a generic code or one this console does not know keeps the server's English sentence, as `apiMessage`
 * (shown marked lang="en"), beside `fallback`'s words for the code.
 */
export function refusalText(
  locale: TLocale,
  call: RefusedCall,
  fallback: (code: string | undefined) => string,
): { message: string; apiMessage: string | null } {
  const translated = refusalMessage(locale, call);
  if (translated) return { message: translated, apiMessage: null };
  const precise = call.code && !GENERIC_CODES.has(call.code) ? errorCodeMessage(locale, call.code) : null;
  if (precise) return { message: precise, apiMessage: null };
  return { message: fallback(call.code), apiMessage: call.message || null };
}
