import type { TActor, TUser } from '@varco/db';
import type { TRole } from './contract/common.js';

export interface TSessionInfo {
  tokenHash: string;
  csrfToken: string;
  user: TUser;
}

export interface TAppVariables {
  requestId: string;
  clientIp: string | null;
  /** Set by the session middleware when a valid session cookie came with the request. */
  session: TSessionInfo | null;
  /** Set by `authorize`: the role that granted the route's permission (for the audit log). */
  actingRole: TRole | null;
}

/**
 * Bindings: @hono/node-server passes `{ incoming, outgoing }`; the in-process console passes
 * `{ trustedForwarder: true }`, which is the only case where X-Forwarded-For is believed without TRUST_PROXY.
 */
export interface TAppBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  trustedForwarder?: boolean;
}

export type TAppEnv = { Variables: TAppVariables; Bindings: TAppBindings };

export function actorOf(vars: Pick<TAppVariables, 'session' | 'actingRole' | 'requestId' | 'clientIp'>): TActor {
  return {
    userId: vars.session?.user.id ?? null,
    username: vars.session?.user.username ?? null,
    role: vars.actingRole,
    requestId: vars.requestId,
    ip: vars.clientIp,
  };
}
