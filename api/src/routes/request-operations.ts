import { z } from 'zod';
import { assignKitRequest, getKitRequest, handedOutByMonth, leadTimeByKind, openRequestsByState, transitionKitRequest } from '@varco/db';
import { requestScopeOf, workflowUserOf } from '../auth/request-scope.js';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import { ZAssigneeRequest, ZBulkResult, ZBulkTransition, ZRequestDetail, ZRequestReports } from '../contract/requests.js';
import type { TAppDeps } from '../deps.js';
import { ApiError, refusalFields } from '../errors.js';
import { requestDetail, toApiError } from './requests.js';


const assignee = defineRoute('requests:fulfil', {
  method: 'put', path: '/api/requests/{id}/assignee', tags: ['fulfilment'], summary: 'Assign the request to a hot-line operator (or unassign)',
  request: { params: ZIdParam('req'), body: jsonBody(ZAssigneeRequest) },
  responses: { 200: jsonResponse(ZRequestDetail, 'Saved'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not possible now') },
});
const bulk = defineRoute('requests:act', {
  method: 'post', path: '/api/requests/bulk-transitions', tags: ['requests'], summary: 'The same step on many requests; each is its own transaction, with a result per request',
  request: { body: jsonBody(ZBulkTransition) }, responses: { 200: jsonResponse(ZBulkResult, 'Per-request results') },
});
const reports = defineRoute('reports:read', {
  method: 'get', path: '/api/reports/requests', tags: ['reports'], summary: 'Open requests by state and age, median lead time per kind, kit handed out per month',
  responses: { 200: jsonResponse(ZRequestReports, 'Figures') },
});

export function requestOperationRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(assignee, async (c) => {
      const { id } = c.req.valid('param');
      const user = c.get('session')!.user;
      if (!(await getKitRequest(deps.db, { id, scope: requestScopeOf(user) }))) throw new ApiError('not_found', 'No such request');
      await assignKitRequest(deps.db, { requestId: id, assigneeUserId: c.req.valid('json').assigneeUserId, user: workflowUserOf(user), actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await requestDetail(deps, user, id), 200);
    })
    .openapi(bulk, async (c) => {
      const input = c.req.valid('json');
      const user = c.get('session')!.user;
      const scope = requestScopeOf(user);
      const results = [];
      // Sequential on purpose: each step locks its row; 200 approvals take well under a second.
      for (const requestId of [...new Set(input.requestIds)]) {
        try {
          if (!(await getKitRequest(deps.db, { id: requestId, scope }))) throw new ApiError('not_found', 'No such request');
          await transitionKitRequest(deps.db, { requestId, action: input.action, comment: input.comment, hrConfirmsVpn: deps.config.hrConfirmsVpn, user: workflowUserOf(user), actor: actorOf(c.var) });
          results.push({ requestId, ok: true });
        } catch (err) {
          const apiError = toApiError(err);
          if (!(apiError instanceof ApiError)) throw err;
          results.push({ requestId, ok: false, code: apiError.code, message: apiError.message, ...refusalFields(apiError) });
        }
      }
      return c.json({ done: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results }, 200);
    })
    .openapi(reports, async (c) => {
      const [openByState, leadTimes, handedOut] = await Promise.all([openRequestsByState(deps.db), leadTimeByKind(deps.db), handedOutByMonth(deps.db, { months: 12 })]);
      return c.json({ openByState, leadTimeByKind: leadTimes, handedOutByMonth: handedOut }, 200);
    });
}
