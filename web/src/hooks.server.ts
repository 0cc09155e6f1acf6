import type { Handle, HandleServerError } from '@sveltejs/kit';
import { translate } from '$lib/i18n/translate';
import { createApiClient } from '$lib/server/api';
import { localeFromCookie } from '$lib/server/locale';

/** CSP itself comes from `kit.csp` in svelte.config.js (it needs SvelteKit's nonces); these are the rest. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.requestId = crypto.randomUUID();
  event.locals.locale = localeFromCookie(event);
  event.locals.api = createApiClient(event);

  const response = await resolve(event, {
    // Read at render time, after the layouts' loads may have replaced the cookie locale with Me.locale.
    transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale),
  });

  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'x-request-id': event.locals.requestId };
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    // Responses built from `fetch` or `Response.redirect` have immutable headers: copy once and retry.
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
};

export const handleError: HandleServerError = ({ error, event, status }) => {
  const requestId = event.locals.requestId;
  if (status >= 500) console.error(`[web] ${event.request.method} ${event.url.pathname} (${requestId})`, error);
  const locale = event.locals.locale ?? 'it';
  return {
    message: status === 404 ? translate(locale, 'errorPage.404.text') : translate(locale, 'errorPage.500.text'),
    code: status === 404 ? 'not_found' : 'internal',
    requestId,
  };
};
