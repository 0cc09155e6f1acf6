import { Hono } from 'hono';
import { z } from 'zod';
import { addToOutbox, countCertificatesByState, getActiveCertificateAuthority, getCrlState } from '@varco/db';
import { checkPkiReadiness, crlHealth, type TPkiReadiness } from '@varco/workers/pki-runtime';
import { declarePlainRoute, defineRoute, jsonResponse, newRouter } from '../auth/route.js';
import type { TAppEnv } from '../context.js';
import { ZPkiStatus, ZPublishCrlResponse } from '../contract/pki.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { pkiSettingsOf } from '../services/pki.js';

const HOUR_MS = 3_600_000;
const URLS = { caPem: '/pki/ca.pem', crlPem: '/pki/crl.pem', crlDer: '/pki/crl.der' } as const;

const status = defineRoute('pki:read', {
  method: 'get', path: '/api/pki/status', tags: ['pki'], summary: 'CA, CRL age and time left (health turns critical under 2 days), counts; why the PKI cannot sign, if it cannot',
  responses: { 200: jsonResponse(ZPkiStatus, 'The PKI status') },
});
const publish = defineRoute('pki:admin', {
  method: 'post', path: '/api/pki/crl/publish', tags: ['pki'], summary: 'Re-sign and publish the CRL now (a job)',
  responses: { 202: jsonResponse(ZPublishCrlResponse, 'Queued'), 503: jsonResponse(z.object({}), 'The PKI cannot sign now') },
});

/** Without a CA the readiness check stops at "no CA": the passphrase must still be there to seal a new key. */
function passphraseProblemOf(deps: TAppDeps, readiness: TPkiReadiness) {
  const settings = deps.config.pki ?? null;
  if (!settings?.passphrase) return settings?.passphraseProblem ?? { code: 'pki_passphrase_missing' as const, message: 'VARCO_CA_PASSPHRASE_FILE is not set' };
  if (!readiness.ready && readiness.code === 'pki_passphrase_wrong') return { code: readiness.code, message: readiness.message };
  return null;
}

export function pkiStatusRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(status, async (c) => {
      const now = new Date();
      const settings = pkiSettingsOf(deps);
      const readiness = await checkPkiReadiness(deps.db, deps.config.pki ?? null);
      const ca = readiness.ca;
      const crl = ca ? await getCrlState(deps.db, { caId: ca.id }) : null;
      const counts = await countCertificatesByState(deps.db, { now, expiringDays: settings.expiryWarningDays });
      return c.json(
        {
          ready: readiness.ready,
          problem: readiness.ready ? null : { code: readiness.code, message: readiness.message },
          passphraseProblem: passphraseProblemOf(deps, readiness),
          ca: ca && {
            id: ca.id,
            name: ca.name,
            subject: ca.subject,
            keyType: ca.keyType,
            notBefore: ca.notBefore.toISOString(),
            notAfter: ca.notAfter.toISOString(),
            daysLeft: Math.floor((ca.notAfter.getTime() - now.getTime()) / (24 * HOUR_MS)),
            fingerprintSha256: ca.fingerprintSha256,
            imported: ca.imported,
          },
          crl: crl && {
            crlNumber: crl.crlNumber.toString(),
            thisUpdate: crl.thisUpdate.toISOString(),
            nextUpdate: crl.nextUpdate.toISOString(),
            publishedAt: crl.publishedAt.toISOString(),
            revokedCount: crl.revokedCount,
            ageHours: Math.round(((now.getTime() - crl.publishedAt.getTime()) / HOUR_MS) * 10) / 10,
            hoursLeft: Math.round(((crl.nextUpdate.getTime() - now.getTime()) / HOUR_MS) * 10) / 10,
          },
          crlHealth: crlHealth(crl, now),
          counts,
          urls: URLS,
        },
        200,
      );
    })
    .openapi(publish, async (c) => {
      const readiness = await checkPkiReadiness(deps.db, deps.config.pki ?? null);
      if (!readiness.ready) throw new ApiError('pki_unavailable', readiness.message);
      await deps.db.transaction((tx) => addToOutbox(tx, 'pki.publish-crl', { caId: readiness.ca.id, trigger: 'manual' }));
      return c.json({ queued: true as const }, 202);
    });
}

/**
 * Public, stable URLs the VPN gateways fetch (no session, no CSRF: GET only). The CRL is the one the last job
 * stored; 503 (not 404) before the first CRL, so a gateway's fetch script keeps its previous copy.
 */
export function pkiPublicRoutes(deps: TAppDeps) {
  for (const path of Object.values(URLS)) declarePlainRoute('GET', path, 'public');
  const crlOrFail = async () => {
    const ca = await getActiveCertificateAuthority(deps.db);
    const crl = ca ? await getCrlState(deps.db, { caId: ca.id }) : null;
    if (!crl) throw new ApiError('unavailable', 'No CRL has been published yet');
    return crl;
  };
  const headers = (type: string) => ({ 'content-type': type, 'cache-control': 'no-cache' });
  return new Hono<TAppEnv>()
    .get(URLS.caPem, async (c) => {
      const ca = await getActiveCertificateAuthority(deps.db);
      if (!ca) throw new ApiError('not_found', 'No certificate authority yet');
      return c.body(ca.certificatePem + (ca.chainPem ?? ''), 200, headers('application/x-pem-file'));
    })
    .get(URLS.crlPem, async (c) => c.body((await crlOrFail()).pem, 200, headers('application/x-pem-file')))
    .get(URLS.crlDer, async (c) => c.body(new Uint8Array((await crlOrFail()).der), 200, headers('application/pkix-crl')));
}
