import type { TLocale } from '@varco/api/contract';
import { isMessageKey, translate } from './translate';

/** Activity modes from the activity map (smart, partial, presence, outsourced); unknown ones are shown raw. */
export function activityModeLabel(locale: TLocale, mode: string): string {
  const key = `activityMode.${mode}`;
  return isMessageKey(key) ? translate(locale, key) : mode;
}
