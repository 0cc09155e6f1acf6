import { endSession, startSession, type TUser } from '@varco/db';
import { defineRoute, newRouter } from '../auth/route.js';
import { highestRole, permissionsOf } from '../auth/permissions.js';
import { actorOf } from '../context.js';
import { ZLoginRequest, ZMe } from '../contract/auth.js';
import { ZError } from '../contract/common.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { createLoginThrottle } from '../services/login-throttle.js';
import { clearedSessionCookie, mintCsrfToken, mintSessionToken, sessionCookie } from '../services/session-tokens.js';
import { signIn } from '../services/sign-in.js';
import { isSecureRequest } from '../services/secure-request.js';

export function toMe(user: TUser, csrfToken: string) {
  return ZMe.parse({
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    employeeId: user.employeeId,
    locale: user.locale,
    permissions: permissionsOf(user.roles),
    csrfToken,
  });
}

const json = (schema: typeof ZMe | typeof ZError, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const login = defineRoute('public', {
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in with a local or directory account; sets the session cookie',
  request: { body: { required: true, content: { 'application/json': { schema: ZLoginRequest } } } },
  responses: { 200: json(ZMe, 'Signed in'), 429: json(ZError, 'Too many failed attempts'), 503: json(ZError, 'Directory unreachable') },
});

const logout = defineRoute('session', {
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'Sign out and delete the server-side session',
  responses: { 204: { description: 'Signed out' } },
});

const session = defineRoute('session', {
  method: 'get',
  path: '/api/auth/session',
  tags: ['auth'],
  summary: 'The signed-in user, roles, permissions and CSRF token',
  responses: { 200: json(ZMe, 'Current session') },
});

export function authRoutes(deps: TAppDeps) {
  const throttle = createLoginThrottle(deps.producer.redis, deps.config.loginThrottle, deps.producer.prefix);
  return newRouter()
    .openapi(login, async (c) => {
      const body = c.req.valid('json');
      const ip = c.get('clientIp');
      if (await throttle.isBlocked({ username: body.username, ip })) {
        throw new ApiError('too_many_attempts', 'Too many failed sign-in attempts; wait a few minutes and try again');
      }
      let user: TUser;
      try {
        user = await signIn({ db: deps.db, directory: deps.config.directory, logger: deps.logger }, body);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'invalid_credentials') await throttle.recordFailure({ username: body.username, ip });
        throw err;
      }
      await throttle.recordSuccess({ username: body.username });
      const { token, tokenHash } = mintSessionToken();
      const csrfToken = mintCsrfToken();
      const { absoluteTimeoutMs } = deps.config.session;
      await startSession(deps.db, {
        user,
        previousTokenHash: c.get('session')?.tokenHash ?? null,
        session: { tokenHash, csrfToken, expiresAt: new Date(Date.now() + absoluteTimeoutMs), ip, userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null },
        actor: { ...actorOf(c.var), userId: user.id, username: user.username, role: highestRole(user.roles) },
      });
      const secure = isSecureRequest(c, deps.config);
      c.header('set-cookie', sessionCookie({ token, maxAgeSeconds: Math.floor(absoluteTimeoutMs / 1000), secure }));
      c.header('cache-control', 'no-store');
      return c.json(toMe(user, csrfToken), 200);
    })
    .openapi(logout, async (c) => {
      const current = c.get('session')!;
      await endSession(deps.db, { tokenHash: current.tokenHash, userId: current.user.id, actor: actorOf(c.var) });
      c.header('set-cookie', clearedSessionCookie(isSecureRequest(c, deps.config)));
      return c.body(null, 204);
    })
    .openapi(session, async (c) => {
      const current = c.get('session')!;
      c.header('cache-control', 'no-store');
      return c.json(toMe(current.user, current.csrfToken), 200);
    });
}
