import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  confirmInstalled,
  getCertificateDetail,
  getKitRequest,
  listCertificates,
  renewCertificate,
  requestCertificateForItem,
  requestStationCertificate,
  revokeCertificate,
  type TStationCertificateResult,
} from '@varco/db';
import { generateOneTimePassword } from '@varco/workers/pki';
import { sealOneTimePassword } from '@varco/workers/pki-runtime';
import { requestScopeOf, workflowUserOf } from '../auth/request-scope.js';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import {
  ZCertificate,
  ZCertificateBundle,
  ZCertificateListQuery,
  ZCertificatePage,
  ZIssueCertificateRequest,
  ZIssueCertificateResponse,
  ZIssueForItemRequest,
  ZRenewCertificateRequest,
  ZRevokeCertificateRequest,
} from '../contract/pki.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { certificateView, checkCsr, pkiSettingsOf, readyPki, toPkiApiError } from '../services/pki.js';
import { takeCertificateBundle } from './pki-bundle.js';

const ZItemParams = z.object({
  id: z.string().regex(/^req_[0-9a-z]{10,32}$/, 'must be an id starting with req_'),
  itemId: z.string().regex(/^itm_[0-9a-z]{10,32}$/, 'must be an id starting with itm_'),
});
const refused = { 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not possible now'), 422: jsonResponse(z.object({}), 'Refused (CSR, asset, employee)'), 503: jsonResponse(z.object({}), 'The PKI cannot sign now (no CA, passphrase)') };

const list = defineRoute('pki:read', {
  method: 'get', path: '/api/pki/certificates', tags: ['pki'], summary: 'Station certificates by state (active, expiring, revoked…) and search (serial, employee, station)',
  request: { query: ZCertificateListQuery }, responses: { 200: jsonResponse(ZCertificatePage, 'A page of certificates') },
});
const issue = defineRoute('pki:issue', {
  method: 'post', path: '/api/pki/certificates', tags: ['pki'], summary: 'Request a station certificate (queued; the worker signs). Server-key flow: the one-time password is in this answer only',
  request: { body: jsonBody(ZIssueCertificateRequest) },
  responses: { 200: jsonResponse(ZIssueCertificateResponse, 'The earlier request with this issuance key'), 201: jsonResponse(ZIssueCertificateResponse, 'Queued'), 413: jsonResponse(z.object({}), 'CSR too large'), ...refused },
});
const detail = defineRoute('pki:read', {
  method: 'get', path: '/api/pki/certificates/{id}', tags: ['pki'], summary: 'One certificate with its issuance progress',
  request: { params: ZIdParam('cert') }, responses: { 200: jsonResponse(ZCertificate, 'The certificate'), 404: jsonResponse(z.object({}), 'Not found') },
});
const bundle = defineRoute('pki:issue', {
  method: 'post', path: '/api/pki/certificates/{id}/bundle', tags: ['pki'],
  summary: 'The bundle (.ovpn, .p12). Server-key flow: once, then deleted (410). A POST: it changes state, so it needs the CSRF token',
  request: { params: ZIdParam('cert') }, responses: { 200: jsonResponse(ZCertificateBundle, 'The bundle'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not issued yet'), 410: jsonResponse(z.object({}), 'Already downloaded') },
});
const revoke = defineRoute('pki:issue', {
  method: 'post', path: '/api/pki/certificates/{id}/revoke', tags: ['pki'], summary: 'Revoke (RFC 5280 reason); the CRL is re-published at once by a job',
  request: { params: ZIdParam('cert'), body: jsonBody(ZRevokeCertificateRequest) }, responses: { 200: jsonResponse(ZCertificate, 'Revoked'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not revocable') },
});
const renew = defineRoute('pki:issue', {
  method: 'post', path: '/api/pki/certificates/{id}/renew', tags: ['pki'], summary: 'A new certificate for the same station; the old one is revoked once the new one is installed or at the deadline',
  request: { params: ZIdParam('cert'), body: jsonBody(ZRenewCertificateRequest) },
  responses: { 200: jsonResponse(ZIssueCertificateResponse, 'The renewal already requested'), 201: jsonResponse(ZIssueCertificateResponse, 'Queued'), 413: jsonResponse(z.object({}), 'CSR too large'), ...refused },
});
const installed = defineRoute('pki:issue', {
  method: 'post', path: '/api/pki/certificates/{id}/installed', tags: ['pki'], summary: 'Confirm the station uses this certificate (a renewal then retires the old one)',
  request: { params: ZIdParam('cert') }, responses: { 200: jsonResponse(ZCertificate, 'Confirmed'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not issued') },
});
const forItem = defineRoute('requests:fulfil', {
  method: 'post', path: '/api/requests/{id}/items/{itemId}/certificate', tags: ['pki', 'fulfilment'],
  summary: "Issue the station certificate of a VPN item, bound to the request's laptop (its asset tag)",
  request: { params: ZItemParams, body: jsonBody(ZIssueForItemRequest) },
  responses: { 200: jsonResponse(ZIssueCertificateResponse, 'Already requested for this item'), 201: jsonResponse(ZIssueCertificateResponse, 'Queued'), 413: jsonResponse(z.object({}), 'CSR too large'), ...refused },
});

type TIssuanceInput = z.infer<typeof ZIssueForItemRequest>;

/** What every issuance path shares: CSR checked now (precise 4xx, nothing written), password made and sealed per row. */
export async function issuanceParams(deps: TAppDeps, input: TIssuanceInput) {
  const pki = await readyPki(deps);
  if (input.flow === 'server-key' && input.csrPem !== undefined) throw new ApiError('validation_failed', 'csrPem belongs to the csr flow');
  const csr = input.flow === 'csr' ? checkCsr(input.csrPem) : null;
  // Not crypto work: 100 random bits. Sealing is one AES-GCM call (the key is derived once per process).
  const password = input.flow === 'server-key' ? generateOneTimePassword() : null;
  return {
    password,
    params: {
      caId: pki.caId,
      flow: input.flow,
      csrPem: csr?.csrPem ?? null,
      keyType: csr?.keyType ?? input.keyType ?? 'ec-p256',
      validityDays: pkiSettingsOf(deps).certificateDays,
      sealOtp: password ? (certificateId: string) => sealOneTimePassword({ password, passphrase: pki.passphrase, caId: pki.caId, certificateId }) : null,
    },
  };
}

export async function issuanceAnswer(deps: TAppDeps, result: TStationCertificateResult, password: string | null) {
  const found = (await getCertificateDetail(deps.db, { id: result.certificate.id }))!;
  const view = certificateView(found, { now: new Date(), expiringDays: pkiSettingsOf(deps).expiryWarningDays });
  return { certificate: view, oneTimePassword: result.created ? password : null, replayed: !result.created };
}

const rethrow = (err: unknown) => {
  throw toPkiApiError(err);
};

export function pkiRoutes(deps: TAppDeps) {
  const viewOf = async (id: string) => {
    const found = await getCertificateDetail(deps.db, { id });
    if (!found) throw new ApiError('not_found', 'No such certificate');
    return certificateView(found, { now: new Date(), expiringDays: pkiSettingsOf(deps).expiryWarningDays });
  };
  return newRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const now = new Date();
      const { rows, total } = await listCertificates(deps.db, { ...query, now });
      return c.json({ items: rows.map((row) => certificateView(row, { now, expiringDays: query.expiringDays })), page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(issue, async (c) => {
      const input = c.req.valid('json');
      const { params, password } = await issuanceParams(deps, input);
      const issuanceKey = input.issuanceKey ?? `station:${input.employeeId}:${randomBytes(8).toString('hex')}`;
      const result = await requestStationCertificate(deps.db, { ...params, employeeId: input.employeeId, assetId: input.assetId ?? null, issuanceKey, profileCode: input.profileCode ?? null, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await issuanceAnswer(deps, result, password), result.created ? 201 : 200);
    })
    .openapi(detail, async (c) => c.json(await viewOf(c.req.valid('param').id), 200))
    .openapi(bundle, async (c) => c.json(await takeCertificateBundle(deps, c.req.valid('param').id, actorOf(c.var)), 200))
    .openapi(revoke, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      await revokeCertificate(deps.db, { certificateId: id, reason: input.reason, comment: input.comment ?? null, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await viewOf(id), 200);
    })
    .openapi(renew, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const { params, password } = await issuanceParams(deps, input);
      const result = await renewCertificate(deps.db, { ...params, certificateId: id, issuanceKey: input.issuanceKey ?? `renew:${id}`, graceDays: pkiSettingsOf(deps).renewalGraceDays, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await issuanceAnswer(deps, result, password), result.created ? 201 : 200);
    })
    .openapi(installed, async (c) => {
      const { id } = c.req.valid('param');
      await confirmInstalled(deps.db, { certificateId: id, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await viewOf(id), 200);
    })
    .openapi(forItem, async (c) => {
      const { id, itemId } = c.req.valid('param');
      const user = c.get('session')!.user;
      // Out-of-scope requests are "not found" before any rule (the hot-line sees all; kept for the same shape).
      if (!(await getKitRequest(deps.db, { id, scope: requestScopeOf(user) }))) throw new ApiError('not_found', 'No such request');
      const input = c.req.valid('json');
      const { params, password } = await issuanceParams(deps, input);
      const result = await requestCertificateForItem(deps.db, { ...params, requestId: id, itemId, issuanceKey: input.issuanceKey ?? null, user: workflowUserOf(user), actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await issuanceAnswer(deps, result, password), result.created ? 201 : 200);
    });
}
