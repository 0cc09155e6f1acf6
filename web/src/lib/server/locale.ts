import type { RequestEvent } from '@sveltejs/kit';
import { ZLocale, type TLocale } from '@varco/api/contract';

export const LOCALE_COOKIE = 'varco_locale';
const LOCALE_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 365;
/** The console speaks Italian unless someone chose otherwise: the browser's language is not a choice. */
export const DEFAULT_LOCALE: TLocale = 'it';

export function localeFromCookie(event: Pick<RequestEvent, 'cookies'>): TLocale {
  const parsed = ZLocale.safeParse(event.cookies.get(LOCALE_COOKIE));
  return parsed.success ? parsed.data : DEFAULT_LOCALE;
}

/** Kept for signed-out pages (login, errors) even when the choice is also saved in the user's preferences. */
export function rememberLocale(event: Pick<RequestEvent, 'cookies' | 'url'>, locale: TLocale): void {
  event.cookies.set(LOCALE_COOKIE, locale, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: event.url.protocol === 'https:',
    maxAge: LOCALE_COOKIE_MAX_AGE_S,
  });
}
