import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog, certificateAuthorities, jobRuns, outbox } from '../schema/index.js';
import { newId } from '../ids.js';
import { writeAudit, type TActor } from './audit.js';
import { addToOutbox } from './outbox.js';

export interface TNewCertificateAuthority {
  name: string;
  keyType: string;
  certificatePem: string;
  chainPem: string | null;
  sealedKeyPem: string;
  subject: string;
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
  imported: boolean;
}

/** The console asked for a CA while another one became active (or the one it saw was replaced). */
export class CaCommandError extends Error {
  constructor(
    readonly code: 'ca_active_changed',
    message: string,
  ) {
    super(message);
    this.name = 'CaCommandError';
  }
}

/** The job that generates a new CA key in a worker (RSA-4096 takes seconds: never in an HTTP request). */
export const CREATE_CA_JOB = 'pki.create-ca';

/**
 * The active CA must still be the one the admin confirmed replacing (null: there was none). Locks the active row,
 * so two admins replacing the CA at once cannot both pass the check.
 */
async function assertActiveCa(tx: Db, expectedActiveId: string | null): Promise<void> {
  const [active] = await tx.select({ id: certificateAuthorities.id }).from(certificateAuthorities).where(eq(certificateAuthorities.active, true)).for('update');
  if ((active?.id ?? null) !== expectedActiveId) {
    throw new CaCommandError('ca_active_changed', 'The active CA changed since the page was loaded: reload it and confirm again');
  }
}

async function activate(tx: Db, params: { ca: TNewCertificateAuthority; actor: TActor; jobId?: string | null }) {
  const retired = await tx.update(certificateAuthorities).set({ active: false }).where(eq(certificateAuthorities.active, true)).returning({ id: certificateAuthorities.id });
  const [ca] = await tx.insert(certificateAuthorities).values({ id: newId('ca'), ...params.ca, active: true }).returning();
  await writeAudit(tx, params.actor, {
    action: params.ca.imported ? 'ca.import' : 'ca.create',
    targetType: 'certificate-authority',
    targetId: ca!.id,
    after: {
      name: params.ca.name,
      keyType: params.ca.keyType,
      subject: params.ca.subject,
      fingerprintSha256: params.ca.fingerprintSha256,
      notAfter: params.ca.notAfter.toISOString(),
      retired: retired.map((row) => row.id),
      // The creation job finds its own CA by this after a crash between commit and the end of the job.
      ...(params.jobId ? { jobId: params.jobId } : {}),
    },
  });
  return ca!;
}

/** Stores a new CA (key sealed) and makes it the active one; the previous one stops issuing. */
export async function createCertificateAuthority(db: Db, params: { ca: TNewCertificateAuthority; actor: TActor; jobId?: string | null }) {
  return db.transaction((tx) => activate(tx, params));
}

/**
 * A CA imported from the console (validated and sealed by the API): row, audit and the first CRL's publication job
 * in one transaction. Signing the CRL is the worker's work, so /pki/crl.pem answers 503 for the seconds between.
 */
export async function importCertificateAuthorityRow(db: Db, params: { ca: TNewCertificateAuthority; expectedActiveId: string | null; actor: TActor }) {
  return db.transaction(async (tx) => {
    await assertActiveCa(tx, params.expectedActiveId);
    const ca = await activate(tx, params);
    await addToOutbox(tx, 'pki.publish-crl', { caId: ca.id, trigger: 'manual' });
    return ca;
  });
}

export interface TCaCreationRequest {
  name: string;
  keyType: 'rsa-3072' | 'rsa-4096' | 'ec-p384';
  validityDays: number;
  /** The active CA the admin confirmed replacing, or null when there was none. */
  replacesCaId: string | null;
}

/** Queues the creation of a CA (outbox + audit); returns the job id the console follows. */
export async function requestCaCreation(db: Db, params: { request: TCaCreationRequest; actor: TActor }): Promise<{ jobId: string }> {
  return db.transaction(async (tx) => {
    await assertActiveCa(tx, params.request.replacesCaId);
    // Not secrets: the CA's name, key type and validity, and who asked (the worker audits the creation as them).
    const jobId = await addToOutbox(tx, CREATE_CA_JOB, { ...params.request, requestedBy: { userId: params.actor.userId, username: params.actor.username, requestId: params.actor.requestId } });
    await writeAudit(tx, params.actor, { action: 'ca.create.request', targetType: 'certificate-authority', targetId: null, after: { ...params.request, jobId } });
    return { jobId };
  });
}

export interface TCaCreationJob {
  jobId: string;
  queuedAt: Date;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  error: string | null;
  caId: string | null;
}

/** Where a CA creation stands: queued (the relay or a worker has not taken it yet), running, done or failed. */
export async function getCaCreationJob(db: Db, params: { jobId: string }): Promise<TCaCreationJob | null> {
  const [queued] = await db.select({ createdAt: outbox.createdAt }).from(outbox).where(and(eq(outbox.id, params.jobId), eq(outbox.jobName, CREATE_CA_JOB)));
  if (!queued) return null;
  const [run] = await db.select().from(jobRuns).where(and(eq(jobRuns.jobName, CREATE_CA_JOB), eq(jobRuns.key, params.jobId)));
  const result = (run?.result ?? null) as { caId?: string } | null;
  return {
    jobId: params.jobId,
    queuedAt: queued.createdAt,
    status: run?.status ?? 'queued',
    progress: run?.progress ?? 0,
    error: run?.status === 'failed' ? run.error : null,
    caId: result?.caId ?? null,
  };
}

/** The CA an earlier delivery of this creation job stored (BullMQ runs a job at least once), if any. */
export async function findCaCreatedByJob(db: Db, params: { jobId: string }): Promise<string | null> {
  const [row] = await db
    .select({ caId: auditLog.targetId })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'ca.create'), sql`${auditLog.after}->>'jobId' = ${params.jobId}`))
    .limit(1);
  return row?.caId ?? null;
}
