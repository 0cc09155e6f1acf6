/**
 * The API answers login/logout with a `Set-Cookie` header. SvelteKit refuses `set-cookie` in `setHeaders`,
 * so the console parses it and replays it through `event.cookies`, which keeps the cookie's attributes intact.
 */
export interface ParsedSetCookie {
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none' | undefined;
  maxAge: number | undefined;
  expires: Date | undefined;
}

export function parseSetCookie(header: string): ParsedSetCookie | null {
  const [pair = '', ...attributes] = header.split(';');
  const separator = pair.indexOf('=');
  if (separator <= 0) return null;
  const cookie: ParsedSetCookie = {
    name: pair.slice(0, separator).trim(),
    value: pair.slice(separator + 1).trim(),
    path: '/',
    httpOnly: false,
    secure: false,
    sameSite: undefined,
    maxAge: undefined,
    expires: undefined,
  };
  for (const attribute of attributes) {
    applyAttribute(cookie, attribute);
  }
  return cookie;
}

function applyAttribute(cookie: ParsedSetCookie, attribute: string): void {
  const [rawKey = '', ...rest] = attribute.split('=');
  const key = rawKey.trim().toLowerCase();
  const value = rest.join('=').trim();
  if (key === 'path' && value.startsWith('/')) cookie.path = value;
  else if (key === 'httponly') cookie.httpOnly = true;
  else if (key === 'secure') cookie.secure = true;
  else if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.maxAge = Number(value);
  else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expires = new Date(value);
  else if (key === 'samesite') {
    const sameSite = value.toLowerCase();
    if (sameSite === 'lax' || sameSite === 'strict' || sameSite === 'none') cookie.sameSite = sameSite;
  }
}

/** A cookie the API wants gone: `Max-Age=0`, a negative one, an expiry in the past, or an empty value. */
export function isClearingCookie(cookie: ParsedSetCookie, now = new Date()): boolean {
  if (cookie.maxAge !== undefined) return cookie.maxAge <= 0;
  if (cookie.expires !== undefined) return cookie.expires.getTime() <= now.getTime();
  return cookie.value === '';
}
