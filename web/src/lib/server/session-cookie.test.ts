import { describe, expect, it } from 'vitest';
import { isClearingCookie, parseSetCookie } from './session-cookie';

describe('parseSetCookie', () => {
  it('reads the attributes the API sets on login', () => {
    const cookie = parseSetCookie('varco_session=abc.DEF-123; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800; Secure');
    expect(cookie).toEqual({
      name: 'varco_session',
      value: 'abc.DEF-123',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      maxAge: 28800,
      expires: undefined,
    });
    expect(cookie && isClearingCookie(cookie)).toBe(false);
  });

  it('keeps "=" inside the value and defaults to an insecure, root-path cookie', () => {
    const cookie = parseSetCookie('varco_session=a=b==; HttpOnly');
    expect(cookie?.value).toBe('a=b==');
    expect(cookie?.secure).toBe(false);
    expect(cookie?.path).toBe('/');
  });

  it('recognises the clearing cookie sent on logout', () => {
    const byMaxAge = parseSetCookie('varco_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    const byExpiry = parseSetCookie('varco_session=x; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(byMaxAge && isClearingCookie(byMaxAge)).toBe(true);
    expect(byExpiry && isClearingCookie(byExpiry)).toBe(true);
  });

  it('rejects a header without a name', () => {
    expect(parseSetCookie('=oops; Path=/')).toBeNull();
    expect(parseSetCookie('garbage')).toBeNull();
  });
});
