import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { claimJobRun, failJobRun, finishJobRun, setJobRunProgress, type Db } from '@varco/db';
import { catalog, isJobName, type TJobName } from './catalog.js';
import { QUEUES, type TJobContext, type TJobHandler, type TQueueKey } from './define-job.js';
import type { TDirectorySyncSettings } from './directory/settings.js';
import { createMailer, type TMailConfig } from './mail/mailer.js';
import { applyPkiSchedules } from './jobs/pki/schedules.js';
import type { TPkiSettings } from './pki-runtime/settings.js';
import { createRedis } from './redis.js';
import { applySchedules } from './schedulers.js';

/** Queues that run one job at a time whatever WORKER_CONCURRENCY says (schedulers.ts also sets it queue-wide). */
const SINGLE_JOB_QUEUES: ReadonlySet<TQueueKey> = new Set(['directory']);

export interface TWorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TWorkers {
  close(): Promise<void>;
}

/** Loads every handler up front: a catalog job without a handler stops the worker at start, not at 3 a.m. */
export async function loadHandlers(): Promise<Map<TJobName, TJobHandler<unknown>>> {
  const handlers = new Map<TJobName, TJobHandler<unknown>>();
  for (const [name, definition] of Object.entries(catalog)) {
    const handler = await definition.handler();
    if (typeof handler !== 'function') throw new Error(`Job ${name} has no handler`);
    handlers.set(name as TJobName, handler as TJobHandler<unknown>);
  }
  return handlers;
}

export async function startWorkers(params: {
  db: Db;
  redisUrl: string;
  /** Must match the producers' prefix. */
  prefix?: string;
  logger: TWorkerLogger;
  concurrency?: Partial<Record<TQueueKey, number>>;
  /**
   * BullMQ's job lock and stalled-job check (default 30 s, BullMQ's own): a job whose worker process died is
   * handed to another worker after one to two of these. Shorter recovers faster; the lock is renewed every half.
   */
  stalledMs?: number;
  /** SMTP for notifications; null or absent: mail jobs record "skipped" instead of failing. */
  mail?: TMailConfig | null;
  /** The console's public URL, for links in e-mails. */
  publicUrl?: string | null;
  /** Directory sync settings (with the service account's password); null or absent: not configured. */
  directorySync?: TDirectorySyncSettings | null;
  /** PKI settings (with the CA passphrase); null or absent: PKI jobs fail with a clear reason. */
  pki?: TPkiSettings | null;
}): Promise<TWorkers> {
  const handlers = await loadHandlers();
  const services: TServices = {
    db: params.db,
    mailer: createMailer(params.mail ?? null),
    publicUrl: params.publicUrl ?? null,
    directorySync: params.directorySync ?? null,
    pki: params.pki ?? null,
  };
  await applySchedules({ redisUrl: params.redisUrl, prefix: params.prefix ?? 'varco', directorySync: services.directorySync });
  await applyPkiSchedules({ redisUrl: params.redisUrl, prefix: params.prefix ?? 'varco', enabled: services.pki !== null });
  const connections: ReturnType<typeof createRedis>[] = [];
  const workers = (Object.keys(QUEUES) as TQueueKey[]).map((key) => {
    const connection = createRedis(params.redisUrl, 'worker');
    connections.push(connection);
    const worker = new Worker(QUEUES[key], (job) => processJob(job, services, handlers), {
      connection,
      prefix: params.prefix ?? 'varco',
      concurrency: SINGLE_JOB_QUEUES.has(key) ? 1 : (params.concurrency?.[key] ?? 4),
      ...(params.stalledMs ? { lockDuration: params.stalledMs, stalledInterval: params.stalledMs } : {}),
    });
    // Payloads are ids only, so logging the job name and id never leaks a secret.
    worker.on('failed', (job, err) =>
      params.logger.error('job failed', { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, error: err.message }),
    );
    worker.on('error', (err) => params.logger.error('worker error', { queue: key, error: err.message }));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  params.logger.info('workers ready', {
    queues: Object.values(QUEUES),
    jobs: Object.keys(catalog).length,
    mail: services.mailer.enabled ? 'smtp' : 'disabled',
  });
  return {
    // Graceful: lets running jobs finish before the connection closes. BullMQ leaves a connection it was given open
    // (it may be shared), so it is closed here; otherwise it keeps the process alive, reconnecting for ever.
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      for (const connection of connections) connection.disconnect();
    },
  };
}

/** What every job gets besides its payload, built once per worker process. */
type TServices = Pick<TJobContext, 'db' | 'mailer' | 'publicUrl' | 'directorySync' | 'pki'>;

async function processJob(job: Job, services: TServices, handlers: Map<TJobName, TJobHandler<unknown>>): Promise<unknown> {
  const { db } = services;
  if (!isJobName(job.name)) throw new UnrecoverableError(`Unknown job ${job.name}`);
  const definition = catalog[job.name];
  const parsed = definition.payload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid payload for ${job.name}`);
  const handler = handlers.get(job.name)!;
  const baseContext = { ...services, jobId: job.id!, attemptsMade: job.attemptsMade };
  if (!definition.tracked) {
    return handler(parsed.data, { ...baseContext, progress: (p) => job.updateProgress(p) });
  }
  const { run, alreadyDone } = await claimJobRun(db, { jobName: job.name, key: job.id!, payload: parsed.data });
  if (alreadyDone) return run.result; // at-least-once delivery: the work was done by an earlier delivery
  try {
    const result = await handler(parsed.data, {
      ...baseContext,
      progress: async (percent) => {
        await Promise.all([setJobRunProgress(db, { id: run.id, progress: percent }), job.updateProgress(percent)]);
      },
    });
    await finishJobRun(db, { id: run.id, result });
    return result;
  } catch (err) {
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await failJobRun(db, { id: run.id, error: err instanceof Error ? err.message : String(err), final });
    throw err;
  }
}
