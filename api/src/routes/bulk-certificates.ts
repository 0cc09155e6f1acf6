import { z } from 'zod';
import { getKitRequest, requestCertificateForItem, type TItemCertificateParams } from '@varco/db';
import { requestScopeOf, workflowUserOf } from '../auth/request-scope.js';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { formatRequestNumber, ZBulkCertificates, ZBulkCertificatesResult } from '../contract/requests.js';
import type { TAppDeps } from '../deps.js';
import { ApiError, refusalFields } from '../errors.js';
import { readyPki, toPkiApiError } from '../services/pki.js';
import { issuanceAnswer, issuanceParams } from './pki.js';

type TResult = z.infer<typeof ZBulkCertificatesResult>['results'][number];

const bulkCertificates = defineRoute('requests:fulfil', {
  method: 'post', path: '/api/requests/bulk-certificates', tags: ['pki', 'fulfilment'],
  summary: "Issue the station certificates of many requests' VPN items (server-key flow, queued). One transaction per item; an item that already has its certificate answers it again (nothing queued twice). One-time passwords are in this answer only",
  request: { body: jsonBody(ZBulkCertificates) },
  responses: { 200: jsonResponse(ZBulkCertificatesResult, 'Per-item results'), 503: jsonResponse(z.object({}), 'The PKI cannot sign now (no CA, passphrase)') },
});

export function bulkCertificateRoutes(deps: TAppDeps) {
  return newRouter().openapi(bulkCertificates, async (c) => {
    const input = c.req.valid('json');
    const user = c.get('session')!.user;
    // A PKI that cannot sign refuses the whole batch once, rather than the same reason on every item.
    await readyPki(deps);
    const results: TResult[] = [];
    // Sequential on purpose: each issuance locks its request row; the signing itself is the worker's.
    for (const requestId of [...new Set(input.requestIds)]) {
      const found = await getKitRequest(deps.db, { id: requestId, scope: requestScopeOf(user) });
      const base = {
        requestId,
        number: found ? formatRequestNumber(found.request.number, found.request.createdAt) : null,
        employeeName: found ? `${found.employee.firstName} ${found.employee.lastName}` : null,
        certificateId: null,
        oneTimePassword: null,
        replayed: false,
      };
      const vpnItems = found?.items.filter(({ item }) => item.kind === 'vpn') ?? [];
      if (!found) results.push({ ...base, itemId: null, ok: false, code: 'not_found', message: 'No such request' });
      else if (vpnItems.length === 0) results.push({ ...base, itemId: null, ok: false, code: 'unprocessable', message: 'This request has no VPN item', reason: 'no-vpn-item', params: {} });
      for (const { item } of vpnItems) results.push({ ...base, itemId: item.id, ...(await issueOne(deps, { requestId, itemId: item.id, keyType: input.keyType, user: workflowUserOf(user), actor: actorOf(c.var) })) });
    }
    const done = results.filter((result) => result.ok).length;
    return c.json({ done, failed: results.length - done, results }, 200);
  });

}

type TIssueOutcome = Pick<TResult, 'ok' | 'certificateId' | 'oneTimePassword' | 'replayed' | 'code' | 'message' | 'reason' | 'params'>;

/** One item, issued exactly as the request page's single issuance does it (the item's own key `item:<id>`). */
async function issueOne(deps: TAppDeps, params: Pick<TItemCertificateParams, 'requestId' | 'itemId' | 'user' | 'actor'> & { keyType: 'ec-p256' | 'rsa-2048' }): Promise<TIssueOutcome> {
  try {
    const { params: issuance, password } = await issuanceParams(deps, { flow: 'server-key', keyType: params.keyType });
    const result = await requestCertificateForItem(deps.db, { ...issuance, requestId: params.requestId, itemId: params.itemId, issuanceKey: null, user: params.user, actor: params.actor });
    const answer = await issuanceAnswer(deps, result, password);
    return { ok: true, certificateId: answer.certificate.id, oneTimePassword: answer.oneTimePassword, replayed: answer.replayed };
  } catch (err) {
    const apiError = toPkiApiError(err);
    if (!(apiError instanceof ApiError)) throw err;
    return { ok: false, certificateId: null, oneTimePassword: null, replayed: false, code: apiError.code, message: apiError.message, ...refusalFields(apiError) };
  }
}
