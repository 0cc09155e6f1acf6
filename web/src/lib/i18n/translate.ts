import type { TLocale } from '@varco/api/contract';
import { en } from './en';
import { it, type MessageKey } from './it';

export type { MessageKey };
export type MessageParams = Record<string, string | number | null | undefined>;

const catalogues: Record<TLocale, Record<MessageKey, string>> = { it, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(it, key);
}

/**
 * Fills `{name}` placeholders; numbers are formatted for the locale, missing params stay visible as `{name}`
 * so a forgotten parameter is noticed in review rather than silently printed as "undefined".
 */
export function translate(locale: TLocale, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) return placeholder;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}

/** Picks `<base>.one` or `<base>.other` with the locale's plural rules and passes `count` as a param. */
export function translatePlural(locale: TLocale, base: string, count: number, params: MessageParams = {}): string {
  const category = new Intl.PluralRules(locale).select(count);
  const candidate = `${base}.${category}`;
  const key = isMessageKey(candidate) ? candidate : `${base}.other`;
  if (!isMessageKey(key)) return String(count);
  return translate(locale, key, { ...params, count });
}

export function formatNumber(locale: TLocale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}
