import { UnrecoverableError } from 'bullmq';
import { findCaCreatedByJob, getActiveCertificateAuthority, getCrlState } from '@varco/db';
import type { TJobHandler } from '../../define-job.js';
import { loadActiveCa } from '../../pki-runtime/ca-keyring.js';
import { createCertificateAuthorityFromScratch } from '../../pki-runtime/ca-lifecycle.js';
import { publishCrl } from '../../pki-runtime/publish-crl.js';
import type { TCreateCaPayload } from './create-ca.js';

export const handleCreateCa: TJobHandler<TCreateCaPayload> = async (payload, ctx) => {
  // At least once: an earlier delivery that died after storing its CA must not make a second one.
  const made = await findCaCreatedByJob(ctx.db, { jobId: ctx.jobId });
  if (made) {
    const settings = ctx.pki;
    if (settings && !(await getCrlState(ctx.db, { caId: made }))) await publishCrl(ctx.db, { active: await loadActiveCa(ctx.db, settings), settings });
    return { caId: made, replayed: true };
  }
  if (!ctx.pki?.passphrase) throw new UnrecoverableError(ctx.pki?.passphraseProblem?.message ?? 'VARCO_CA_PASSPHRASE_FILE is not set in the worker');
  const active = await getActiveCertificateAuthority(ctx.db);
  if ((active?.id ?? null) !== payload.replacesCaId) {
    throw new UnrecoverableError('The active CA changed since the request: nothing was created, ask again');
  }
  const actor = { userId: payload.requestedBy.userId, username: payload.requestedBy.username, role: 'admin', requestId: payload.requestedBy.requestId, ip: null };
  try {
    const created = await createCertificateAuthorityFromScratch(ctx.db, {
      name: payload.name,
      keyType: payload.keyType,
      validityDays: payload.validityDays,
      settings: ctx.pki,
      actor,
      jobId: ctx.jobId,
      onProgress: (percent) => ctx.progress(percent),
    });
    return { caId: created.caId, crlNumber: created.crl.crlNumber.toString() };
  } catch (err) {
    // Stored but the first CRL failed: the CA exists (the hourly CRL tick publishes for it), so this is a success.
    const stored = await findCaCreatedByJob(ctx.db, { jobId: ctx.jobId });
    if (stored) return { caId: stored, crlError: err instanceof Error ? err.message : String(err) };
    // Not retried (one attempt): say what went wrong; the message never carries key material.
    throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
  }
};
