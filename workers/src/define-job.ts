import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { Db } from '@varco/db';
import type { TDirectorySyncSettings } from './directory/settings.js';
import type { TMailer } from './mail/mailer.js';
import type { TPkiSettings } from './pki-runtime/settings.js';

export const QUEUES = {
  /** Health round trips and housekeeping: tiny jobs that must never wait behind crypto work. */
  system: 'varco-system',
  /** E-mail: each job waits on a remote SMTP server and retries for an hour, so it must not hold up other queues. */
  notify: 'varco-notify',
  /**
   * Directory sync: one run at a time (concurrency 1 per worker and 1 across workers, see runtime.ts), so a
   * 100,000-entry read never competes with another sync for the directory or the database.
   */
  directory: 'varco-directory',
  /** Certificates and CRLs: CPU work (RSA keygen runs in libuv's pool), kept apart so it never delays mail or pings. */
  pki: 'varco-pki',
} as const;
export type TQueueKey = keyof typeof QUEUES;

export interface TJobContext {
  db: Db;
  /** BullMQ's job id (= outbox id for jobs that came through the outbox). */
  jobId: string;
  attemptsMade: number;
  /** 0–100, shown by the console's progress bars (stored on the job run). */
  progress(percent: number): Promise<void>;
  /** Outgoing mail; disabled (every send refused with `MailDisabledError`) when no SMTP server is configured. */
  mailer: TMailer;
  /** The console's public base URL for links in e-mails (https://varco.example.it), or null when not configured. */
  publicUrl: string | null;
  /** Directory sync settings incl. the service account's password (never in a payload); null = not configured. */
  directorySync: TDirectorySyncSettings | null;
  /** PKI settings incl. the CA passphrase (never in a payload); null = the PKI is not configured in this process. */
  pki?: TPkiSettings | null;
}

export type TJobHandler<P> = (payload: P, ctx: TJobContext) => Promise<unknown>;

export interface TJobDefinition<N extends string, S extends z.ZodType> {
  name: N;
  queue: TQueueKey;
  payload: S;
  options: JobsOptions;
  /**
   * Whether runs get a job_runs row (progress, history, idempotency key). Health pings opt out: a load balancer
   * polling /healthz must not grow the history table.
   */
  tracked: boolean;
  /**
   * Jobs whose work is cheaper than a job: the outbox relay packs the `field` arrays of up to `max` pending outbox rows
   * of this job into one job's payload (the payload is then `{ [field]: [...ids] }`). The handler must be idempotent
   * per id, as every handler is: a relay that restarts may pack the same rows again, differently.
   */
  coalesce?: { field: string; max: number };
  /** Lazily imported, so producers (the API) never load handler code and its dependencies. */
  handler: () => Promise<TJobHandler<z.infer<S>>>;
}

export function defineJob<N extends string, S extends z.ZodType>(definition: TJobDefinition<N, S>) {
  return definition;
}
