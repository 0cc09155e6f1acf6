import { z } from 'zod';
import {
  availableActions,
  CHECKLISTS,
  createKitRequest,
  eligibilityProblems,
  getKitRequest,
  HOLDER,
  listKitRequests,
  relationOf,
  transitionKitRequest,
  WorkflowError,
  type TRequestKind,
  type TRequestStatus,
} from '@varco/db';
import { requestScopeOf, workflowUserOf } from '../auth/request-scope.js';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import { formatRequestNumber, ZCreateRequest, ZRequestDetail, ZRequestListQuery, ZRequestPage, ZTransitionRequest } from '../contract/requests.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';


const list = defineRoute('requests:read', {
  method: 'get', path: '/api/requests', tags: ['requests'], summary: 'Kit requests the reader may see, newest first',
  request: { query: ZRequestListQuery }, responses: { 200: jsonResponse(ZRequestPage, 'A page of requests') },
});
const create = defineRoute('requests:create', {
  method: 'post', path: '/api/requests', tags: ['requests'], summary: 'Open a kit request (a draft) for yourself or, for the hot-line, for an employee',
  request: { body: jsonBody(ZCreateRequest) }, responses: { 201: jsonResponse(ZRequestDetail, 'Created'), 404: jsonResponse(z.object({}), 'No such employee') },
});
const detail = defineRoute('requests:read', {
  method: 'get', path: '/api/requests/{id}', tags: ['requests'], summary: 'One request with items, timeline, holder and the actions open to the reader',
  request: { params: ZIdParam('req') }, responses: { 200: jsonResponse(ZRequestDetail, 'The request'), 404: jsonResponse(z.object({}), 'Not found or not visible') },
});
const transition = defineRoute('requests:act', {
  method: 'post', path: '/api/requests/{id}/transitions', tags: ['requests'], summary: 'Take one workflow step (submit, approve, reject, …)',
  request: { params: ZIdParam('req'), body: jsonBody(ZTransitionRequest) },
  responses: { 200: jsonResponse(ZRequestDetail, 'The request after the step'), 404: jsonResponse(z.object({}), 'Not found'), 409: jsonResponse(z.object({}), 'Not possible in this state'), 422: jsonResponse(z.object({}), 'Refused by the rules') },
});

/** Workflow refusals as API errors: the state machine's words reach the user unchanged. */
export function toApiError(err: unknown): unknown {
  if (!(err instanceof WorkflowError)) return err;
  const code = { not_found: 'not_found', illegal_transition: 'conflict', conflict: 'conflict', forbidden: 'forbidden', comment_required: 'validation_failed', not_eligible: 'unprocessable' } as const;
  return new ApiError(code[err.code], err.message, undefined, err.refusal);
}

/** The rules' verdict while a decision is pending: English sentences (API clients) and the codes the console translates. */
async function eligibilityView(deps: TAppDeps, status: TRequestStatus, employeeId: string, kinds: TRequestKind[]) {
  const problems = status === 'submitted' || status === 'draft' ? await eligibilityProblems(deps.db, { employeeId, kinds }) : [];
  return { eligibilityProblems: problems.map((problem) => problem.message), eligibilityReasons: problems.map(({ code, params }) => ({ code, params })) };
}

export async function requestDetail(deps: TAppDeps, user: Parameters<typeof requestScopeOf>[0], id: string) {
  const found = await getKitRequest(deps.db, { id, scope: requestScopeOf(user) });
  if (!found) throw new ApiError('not_found', 'No such request');
  const status = found.request.status as TRequestStatus;
  const relation = relationOf(workflowUserOf(user), found.employee);
  const kinds = found.items.map(({ item }) => item.kind);
  return ZRequestDetail.parse({
    id: found.request.id,
    number: formatRequestNumber(found.request.number, found.request.createdAt),
    status,
    employee: { id: found.employee.id, displayName: `${found.employee.firstName} ${found.employee.lastName}`, serviceCode: found.serviceCode },
    kinds,
    createdAt: found.request.createdAt.toISOString(),
    submittedAt: found.request.submittedAt?.toISOString() ?? null,
    note: found.request.note,
    eligibilityOverride: found.request.eligibilityOverride,
    items: found.items.map(({ item, asset }) => ({
      id: item.id,
      kind: item.kind,
      status: item.status,
      asset: asset ? { id: asset.id, type: asset.type, model: asset.model, serial: asset.serial, assetTag: asset.assetTag } : null,
      certificateId: item.certificateId,
      checklist: (CHECKLISTS[item.kind] ?? []).map((key) => ({ key, done: item.checklist[key] === true })),
    })),
    events: found.events.map((event) => ({ at: event.at.toISOString(), actorName: event.actorName, action: event.action, fromStatus: event.fromStatus, toStatus: event.toStatus, comment: event.comment })),
    holder: HOLDER[status],
    actions: availableActions(status, relation),
    ...(await eligibilityView(deps, status, found.employee.id, kinds)),
    acceptance: found.request.acceptance ?? null,
  });
}

export function requestRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const { rows, total } = await listKitRequests(deps.db, { ...query, status: query.status ? [query.status] : undefined, scope: requestScopeOf(c.get('session')!.user) });
      const items = rows.map((row) => ({
        id: row.request.id,
        number: formatRequestNumber(row.request.number, row.request.createdAt),
        status: row.request.status,
        employee: { id: row.employee.id, displayName: `${row.employee.firstName} ${row.employee.lastName}`, serviceCode: row.serviceCode },
        kinds: row.items.map((item) => item.kind),
        createdAt: row.request.createdAt.toISOString(),
        submittedAt: row.request.submittedAt?.toISOString() ?? null,
      }));
      return c.json({ items, page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const user = c.get('session')!.user;
      const employeeId = input.employeeId ?? user.employeeId;
      if (!employeeId) throw new ApiError('unprocessable', 'Your account is not linked to an employee: say for whom the request is');
      const request = await createKitRequest(deps.db, { employeeId, kinds: input.kinds, note: input.note, user: workflowUserOf(user), actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await requestDetail(deps, user, request.id), 201);
    })
    .openapi(detail, async (c) => c.json(await requestDetail(deps, c.get('session')!.user, c.req.valid('param').id), 200))
    .openapi(transition, async (c) => {
      const { id } = c.req.valid('param');
      const user = c.get('session')!.user;
      // Out-of-scope requests are "not found" before any rule is evaluated (no IDOR oracle).
      if (!(await getKitRequest(deps.db, { id, scope: requestScopeOf(user) }))) throw new ApiError('not_found', 'No such request');
      const input = c.req.valid('json');
      await transitionKitRequest(deps.db, { requestId: id, ...input, hrConfirmsVpn: deps.config.hrConfirmsVpn, user: workflowUserOf(user), actor: actorOf(c.var) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return c.json(await requestDetail(deps, user, id), 200);
    });
}
