import type { Db } from '@varco/db';
import type { TDirectorySyncSettings, TPkiSettings, TProducer } from '@varco/workers';
import type { TLogger } from './logger.js';
import type { TDirectoryAuthConfig } from './services/directory-auth.js';
import type { TLoginThrottleConfig } from './services/login-throttle.js';

export interface TAppConfig {
  /** The console's public origin (e.g. https://varco.comune.prato.it); null = same origin as the request. */
  publicUrl: string | null;
  trustProxy: boolean;
  session: { idleTimeoutMs: number; absoluteTimeoutMs: number };
  loginThrottle: TLoginThrottleConfig;
  directory: TDirectoryAuthConfig | null;
  /** Hot-line SLA target per kind of item, in hours from submission. */
  slaHours: Record<string, number>;
  /** HR confirms kit requests holding a VPN item after the manager's approval. */
  hrConfirmsVpn: boolean;
  /** Directory sync (settings page, test connection); null or absent: not configured. Holds the bind password. */
  directorySync?: TDirectorySyncSettings | null;
  /** PKI settings (the CA passphrase seals one-time passwords); null or absent: issuance answers pki_unavailable. */
  pki?: TPkiSettings | null;
}

/** What the API needs from the rest of the process; built once in ops/src/main.ts (or a test). */
export interface TAppDeps {
  db: Db;
  producer: TProducer;
  config: TAppConfig;
  logger: TLogger;
  /** Liveness of the database for /healthz. */
  pingDatabase: () => Promise<void>;
}
