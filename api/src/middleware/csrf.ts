import type { MiddlewareHandler } from 'hono';
import type { TAppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { safeEqual } from '../services/session-tokens.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request must (1) come from our own origin when the browser says where it comes from,
 * (2) be JSON — a cross-site form or a body-less `no-cors` fetch cannot send `application/json` without a
 * CORS preflight, which we never grant (Hono's own csrf() was bypassed by a missing Content-Type,
 * GHSA-2234-fmw7-43wr) — and (3) with a session, echo the session's CSRF token in X-CSRF-Token.
 * Runs before any handler, so a refused request changes nothing and writes no audit row.
 */
export function csrfProtection(params: { allowedOrigins: () => string[] }): MiddlewareHandler<TAppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && !params.allowedOrigins().includes(origin) && origin !== new URL(c.req.url).origin) {
      throw new ApiError('csrf_failed', 'Cross-site request refused');
    }
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') {
      throw new ApiError('unsupported_media_type', 'State-changing requests must send Content-Type: application/json');
    }
    const session = c.get('session');
    if (session) {
      const sent = c.req.header('x-csrf-token') ?? '';
      if (!safeEqual(sent, session.csrfToken)) throw new ApiError('csrf_failed', 'Missing or wrong X-CSRF-Token header');
    }
    return next();
  };
}
