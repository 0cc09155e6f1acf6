import type { TLocale } from '@varco/api/contract';

/** The city's time zone: audit times are read by Prato staff, whatever the server's TZ is. */
export const CITY_TIME_ZONE = 'Europe/Rome';

export function formatDateTime(locale: TLocale, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: CITY_TIME_ZONE,
  }).format(date);
}

/** Calendar dates (`2026-03-01`) are formatted in UTC so they never shift by a day. */
export function formatDate(locale: TLocale, isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}
