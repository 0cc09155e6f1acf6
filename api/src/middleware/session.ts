import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import { findLiveSession, touchSession, type Db } from '@varco/db';
import type { TAppEnv } from '../context.js';
import { hashSessionToken, SESSION_COOKIE } from '../services/session-tokens.js';

/** Loads the server-side session named by the cookie (if any). Never fails the request itself. */
export function loadSession(params: { db: Db; idleTimeoutMs: number }): MiddlewareHandler<TAppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length <= 128) {
      const tokenHash = hashSessionToken(token);
      const found = await findLiveSession(params.db, { tokenHash, idleTimeoutMs: params.idleTimeoutMs });
      if (found) {
        c.set('session', { tokenHash, csrfToken: found.session.csrfToken, user: found.user });
        await touchSession(params.db, { tokenHash });
      }
    }
    await next();
  };
}
