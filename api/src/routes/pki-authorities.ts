import { z } from 'zod';
import { CaCommandError, getActiveCertificateAuthority, getCaCreationJob, importCertificateAuthorityRow, requestCaCreation } from '@varco/db';
import { CaImportError, type TCaImportErrorCode } from '@varco/workers/pki';
import { checkPkiReadiness, sealImportedCa } from '@varco/workers/pki-runtime';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import { ZCaJob, ZCreateCaRequest, ZImportCaRequest, ZImportedCa } from '../contract/pki.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

const refused = {
  409: jsonResponse(z.object({}), 'Replacing the active CA was not confirmed, or it changed meanwhile'),
  503: jsonResponse(z.object({}), 'The CA passphrase is missing, empty or does not open the active CA'),
};

const create = defineRoute('pki:admin', {
  method: 'post', path: '/api/pki/authorities', tags: ['pki'],
  summary: 'Create a new root CA (queued: a worker generates the key, seals it, makes it active and publishes its first CRL)',
  request: { body: jsonBody(ZCreateCaRequest) }, responses: { 202: jsonResponse(ZCaJob, 'Queued'), ...refused },
});
const job = defineRoute('pki:admin', {
  method: 'get', path: '/api/pki/authorities/jobs/{id}', tags: ['pki'], summary: 'Progress and outcome of a CA creation',
  request: { params: ZIdParam('obx') }, responses: { 200: jsonResponse(ZCaJob, 'The job'), 404: jsonResponse(z.object({}), 'Not found') },
});
const importCa = defineRoute('pki:admin', {
  method: 'post', path: '/api/pki/authorities/import', tags: ['pki'],
  summary: 'Import an existing root or intermediate with its key (and chain); the key is stored only sealed. The first CRL is published by a job',
  request: { body: jsonBody(ZImportCaRequest) },
  responses: { 201: jsonResponse(ZImportedCa, 'Imported and active'), 422: jsonResponse(z.object({}), 'Refused: bad PEM, key does not match, not a CA, expired…'), ...refused },
});

/**
 * The passphrase must be usable before anything is queued or stored: set and non-empty, and — when a CA exists —
 * able to open it (a different passphrase would leave the old CA unreadable and hide a misconfiguration).
 * Then the replacement must be confirmed with the active CA's id.
 */
async function checkReplacement(deps: TAppDeps, replaceCaId: string | null): Promise<void> {
  const settings = deps.config.pki ?? null;
  if (!settings?.passphrase) throw new ApiError('pki_unavailable', settings?.passphraseProblem?.message ?? 'VARCO_CA_PASSPHRASE_FILE is not set: the CA key could not be sealed');
  const readiness = await checkPkiReadiness(deps.db, settings);
  if (!readiness.ready && readiness.code !== 'pki_no_ca') throw new ApiError('pki_unavailable', readiness.message);
  const active = await getActiveCertificateAuthority(deps.db);
  if (active && replaceCaId === null) throw new ApiError('ca_replace_unconfirmed', `The CA "${active.name}" is active: confirm replacing it (replaceCaId = ${active.id})`);
  if ((active?.id ?? null) !== replaceCaId) throw new ApiError('ca_active_changed', 'The active CA is not the one confirmed: reload and confirm again');
}

const rethrow = (err: unknown): never => {
  if (err instanceof CaCommandError) throw new ApiError('ca_active_changed', err.message);
  if (err instanceof CaImportError) throw new ApiError(err.code as TCaImportErrorCode, err.message);
  throw err;
};

export function pkiAuthorityRoutes(deps: TAppDeps) {
  const jobView = async (jobId: string) => {
    const found = await getCaCreationJob(deps.db, { jobId });
    if (!found) throw new ApiError('not_found', 'No such CA creation');
    return { ...found, queuedAt: found.queuedAt.toISOString() };
  };
  return newRouter()
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      await checkReplacement(deps, input.replaceCaId);
      const request = { name: input.name, keyType: input.keyType, validityDays: input.validityDays, replacesCaId: input.replaceCaId };
      const { jobId } = await requestCaCreation(deps.db, { request, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await jobView(jobId), 202);
    })
    .openapi(job, async (c) => c.json(await jobView(c.req.valid('param').id), 200))
    .openapi(importCa, async (c) => {
      const input = c.req.valid('json');
      await checkReplacement(deps, input.replaceCaId);
      const sealed = await sealImportedCa({ name: input.name ?? null, certificatePem: input.certificatePem, privateKeyPem: input.privateKeyPem, keyPassphrase: input.keyPassphrase || undefined, chainPem: input.chainPem }, deps.config.pki ?? null).catch(rethrow);
      const ca = await importCertificateAuthorityRow(deps.db, { ca: sealed, expectedActiveId: input.replaceCaId, actor: actorOf(c.var) }).catch(rethrow);
      return c.json({ caId: ca.id, name: ca.name, subject: ca.subject, keyType: ca.keyType, fingerprintSha256: ca.fingerprintSha256 ?? '', notAfter: ca.notAfter.toISOString() }, 201);
    });
}
