import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { TAppEnv } from '../context.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (kept from the console or a proxy when well-formed) and the client address for logs and audit. */
export function requestContext(params: { trustProxy: boolean }): MiddlewareHandler<TAppEnv> {
  return async (c, next) => {
    const incomingId = c.req.header('x-request-id');
    const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    c.set('requestId', requestId);
    c.set('clientIp', clientIp(c.req.header('x-forwarded-for'), c.env, params.trustProxy));
    c.set('session', null);
    c.set('actingRole', null);
    await next();
    c.header('x-request-id', requestId);
  };
}

function clientIp(forwardedFor: string | undefined, bindings: TAppEnv['Bindings'] | undefined, trustProxy: boolean) {
  const socketIp = bindings?.incoming?.socket?.remoteAddress ?? null;
  if (forwardedFor && (trustProxy || bindings?.trustedForwarder)) {
    const first = forwardedFor.split(',')[0]?.trim();
    if (first && /^[0-9a-fA-F.:]{2,45}$/.test(first)) return first;
  }
  return socketIp;
}
