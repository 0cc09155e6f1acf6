import { page } from '$app/state';
import type { TLocale } from '@varco/api/contract';
import { formatDate, formatDateTime } from './format-date';
import {
  formatNumber,
  isMessageKey,
  translate,
  translatePlural,
  type MessageKey,
  type MessageParams,
} from './translate';

export type { MessageKey, MessageParams };
export { isMessageKey };

/**
 * Component-side helpers: they read the locale from `page.data` (set by the root and (app) layouts), so they
 * must be called while rendering (templates, `$derived`), never at module level or in `load`.
 * Server code (actions, hooks) uses `translate(locals.locale, …)` instead.
 */
export function currentLocale(): TLocale {
  return page.data.locale ?? 'it';
}

export function t(key: MessageKey, params?: MessageParams): string {
  return translate(currentLocale(), key, params);
}

export function tPlural(base: string, count: number, params?: MessageParams): string {
  return translatePlural(currentLocale(), base, count, params);
}

export function n(value: number): string {
  return formatNumber(currentLocale(), value);
}

export function dateTime(iso: string): string {
  return formatDateTime(currentLocale(), iso);
}

export function date(isoDate: string): string {
  return formatDate(currentLocale(), isoDate);
}

/** `label('role', 'hotline')` → the translated `role.hotline`, or the raw value for codes this console does not know. */
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}
