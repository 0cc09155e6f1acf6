import type { Context } from 'hono';
import type { TAppEnv } from '../context.js';
import type { TAppConfig } from '../deps.js';

/** Cookies get `Secure` whenever the browser reached us over TLS (directly, or via a trusted proxy). */
export function isSecureRequest(c: Context<TAppEnv>, config: Pick<TAppConfig, 'publicUrl' | 'trustProxy'>): boolean {
  if (config.publicUrl?.startsWith('https:')) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  const trusted = config.trustProxy || c.env?.trustedForwarder === true;
  return trusted && c.req.header('x-forwarded-proto') === 'https';
}
