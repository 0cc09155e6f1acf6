import type { TEligibility, TLocale } from '@varco/api/contract';
import { formatDate } from '../../i18n/format-date';
import { isMessageKey, translate, type MessageParams } from '../../i18n/translate';

type EligibilityReason = TEligibility['reasons'][number];

/** Parameters that hold calendar dates: shown in the reader's locale, not as `2026-03-01`. */
const DATE_PARAMS = new Set(['startsOn', 'endsOn']);

/**
 * The API explains eligibility with codes + params so each language can phrase it; an unknown code
 * (a newer API than this console) is shown as-is rather than hidden.
 */
export function describeReason(locale: TLocale, reason: EligibilityReason): string {
  const openEnded = reason.code === 'agreement-active' && reason.params.endsOn == null;
  const key = `eligibility.reason.${reason.code}${openEnded ? '.open' : ''}`;
  if (!isMessageKey(key)) return reason.code;
  const params: MessageParams = {};
  for (const [name, value] of Object.entries(reason.params)) {
    params[name] = DATE_PARAMS.has(name) && typeof value === 'string' ? formatDate(locale, value) : value;
  }
  return translate(locale, key, params);
}
