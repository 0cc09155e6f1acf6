/**
 * Opening an ldapts client for Active Directory / OpenLDAP, shared by directory sync (this package) and sign-in
 * (`api/src/services/directory-auth.ts` still has its own copy of `openClient`/`tlsOptions`: the lead moves it to
 * this module, exported as `@varco/workers/directory/connection`).
 *
 * - `ldaps://` URLs use TLS from the first byte (`startTls` is then ignored); `startTls: true` on `ldap://` upgrades
 *   before any bind and never falls back to plain text. `caFile` (PEM) replaces the system trust store. The
 *   certificate must match the URL's host name (IP SANs for IP URLs); TLS 1.2 at least.
 * - `timeoutMs` bounds the TCP connect and every LDAP operation (ldapts destroys the socket when one times out).
 *   The StartTLS handshake itself has no timeout in ldapts, so opening as a whole is capped at 2 × timeoutMs.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';

export interface TDirectoryConnectionConfig {
  url: string;
  startTls: boolean;
  caFile?: string;
  timeoutMs: number;
}

/** Thrown when opening (TCP connect + StartTLS) takes longer than 2 × timeoutMs. */
export class DirectoryConnectTimeoutError extends Error {
  override name = 'DirectoryConnectTimeoutError';
  readonly code = 'ETIMEDOUT';
}

export function isLdapsUrl(url: string): boolean {
  return /^ldaps:\/\//i.test(url);
}

export function usesTls(config: Pick<TDirectoryConnectionConfig, 'url' | 'startTls'>): boolean {
  return config.startTls || isLdapsUrl(config.url);
}

export async function directoryTlsOptions(config: Pick<TDirectoryConnectionConfig, 'url' | 'caFile'>): Promise<ConnectionOptions> {
  const host = new URL(config.url).hostname.replace(/^\[(.*)\]$/, '$1');
  const options: ConnectionOptions = { host, minVersion: 'TLSv1.2', rejectUnauthorized: true };
  if (!isIP(host)) options.servername = host;
  if (config.caFile) options.ca = await readFile(config.caFile);
  return options;
}

/** A client whose StartTLS (when asked) is done. Plain/ldaps clients connect lazily on their first operation. */
export async function openDirectoryClient(config: TDirectoryConnectionConfig): Promise<Client> {
  const ldaps = isLdapsUrl(config.url);
  const tls = usesTls(config) ? await directoryTlsOptions(config) : undefined;
  const client = new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    strictDN: true,
    // ldapts treats any tlsOptions as "connect with TLS", so they are passed here only for ldaps://.
    ...(ldaps ? { tlsOptions: tls } : {}),
  });
  if (ldaps || !config.startTls) return client;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DirectoryConnectTimeoutError('StartTLS did not complete in time')), config.timeoutMs * 2);
  });
  try {
    await Promise.race([client.startTLS({ ...tls }), deadline]);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
