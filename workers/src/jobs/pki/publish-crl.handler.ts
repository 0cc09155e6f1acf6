import { UnrecoverableError } from 'bullmq';
import { getCrlState } from '@varco/db';
import type { TJobHandler } from '../../define-job.js';
import { loadActiveCa, PkiUnavailableError } from '../../pki-runtime/ca-keyring.js';
import { crlNeedsRefresh, publishCrl } from '../../pki-runtime/publish-crl.js';
import type { TPublishCrlPayload } from './publish-crl.js';

export const handlePublishCrl: TJobHandler<TPublishCrlPayload> = async (payload, ctx) => {
  let active;
  try {
    active = await loadActiveCa(ctx.db, ctx.pki ?? null);
  } catch (err) {
    if (!(err instanceof PkiUnavailableError)) throw err;
    // No CA yet is normal before `ca init`: the hourly tick has nothing to do. Anything else must be seen.
    if (err.code === 'pki_no_ca' && payload.trigger === 'schedule') return { skipped: 'no CA' };
    throw new UnrecoverableError(err.message);
  }
  if (payload.caId && payload.caId !== active.ca.id) return { skipped: `CA ${payload.caId} is no longer the active one` };
  if (payload.trigger === 'schedule' && !crlNeedsRefresh(await getCrlState(ctx.db, { caId: active.ca.id }), new Date())) {
    return { skipped: 'the CRL is fresh' };
  }
  const crl = await publishCrl(ctx.db, { active, settings: ctx.pki! });
  return { crlNumber: crl.crlNumber.toString(), nextUpdate: crl.nextUpdate.toISOString(), revoked: crl.revokedCount, reapplied: crl.reapplied, databaseWasBehind: crl.databaseWasBehind };
};
