import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'varco_session';

/** 256-bit random token for the cookie; only its hash is stored, so a database leak yields no live sessions. */
export function mintSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function mintCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function sessionCookie(params: { token: string; maxAgeSeconds: number; secure: boolean }): string {
  const parts = [
    `${SESSION_COOKIE}=${params.token}`,
    'Path=/',
    'HttpOnly',
    // Lax, not Strict: a link from the notification e-mail must open the console signed in.
    'SameSite=Lax',
    `Max-Age=${params.maxAgeSeconds}`,
  ];
  if (params.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie({ token: '', maxAgeSeconds: 0, secure });
}
