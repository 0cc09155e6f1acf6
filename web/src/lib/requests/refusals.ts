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
