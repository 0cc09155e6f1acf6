const PROBE_ORIGIN = 'http://varco.invalid';

/**
 * `?next=` and `redirectTo` come from the browser: only same-site absolute paths are honoured.
 * `//evil.example` and `/\evil.example` are protocol-relative for browsers, so they are refused too.
 */
export function safeLocalPath(candidate: string | null | undefined, fallback = '/'): string {
  if (!candidate || !candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) {
    return fallback;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Where to send someone whose session is missing, so they come back to the page they asked for. */
export function loginPath(url: URL): string {
  const next = `${url.pathname}${url.search}`;
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
