/**
 * What a worker process knows about directory sync, built once from the environment (ops/src/config.ts) and
 * handed to the job handlers through the job context — never through a job payload (payloads are plain JSON in
 * Redis; this holds the service account's password).
 *
 * `enabled` (LDAP_SYNC_ENABLED) governs the nightly schedule and every run that CHANGES staff. With a configured
 * but disabled directory, an admin can still test the connection and make dry runs, to check the settings before
 * turning synchronisation on.
 */
import type { TResolvedDirectorySyncConfig } from './config.js';
import type { TDisableLimits } from './plan-sync.js';

export interface TDirectorySyncSettings {
  enabled: boolean;
  /** Which directory (`directory_sync_runs.directory_key`); one today. */
  directoryKey: string;
  config: TResolvedDirectorySyncConfig;
  limits: TDisableLimits;
  /** Cron pattern (5 fields) and the IANA time zone it is read in. */
  schedule: { pattern: string; timezone: string };
}

export const DEFAULT_SYNC_SCHEDULE = { pattern: '0 2 * * *', timezone: 'Europe/Rome' } as const;
