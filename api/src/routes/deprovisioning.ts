import { z } from 'zod';
import { DirectorySyncError, getDeprovisioningCase, listDeprovisioningCases, markDeprovisioningStep } from '@varco/db';
import { defineRoute, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import {
  DEPROVISIONING_STEPS,
  STEP_STATUSES,
  ZDeprovisioningCase,
  ZDeprovisioningListQuery,
  ZDeprovisioningPage,
  ZDeprovisioningStepParams,
  ZMarkStepRequest,
  type TDeprovisioningCase,
} from '../contract/directory.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';


const list = defineRoute('deprovisioning:read', {
  method: 'get', path: '/api/deprovisioning', tags: ['deprovisioning'], summary: "Leavers' checklists (open by default), newest first",
  request: { query: ZDeprovisioningListQuery }, responses: { 200: jsonResponse(ZDeprovisioningPage, 'A page of cases') },
});
const markStep = defineRoute('deprovisioning:act', {
  method: 'post', path: '/api/deprovisioning/{id}/steps/{step}', tags: ['deprovisioning'], summary: 'Mark a pending step done (kit returned, …), with a note',
  request: { params: ZDeprovisioningStepParams, body: { required: true, content: { 'application/json': { schema: ZMarkStepRequest } } } },
  responses: { 200: jsonResponse(ZDeprovisioningCase, 'The case after the step'), 404: jsonResponse(z.object({}), 'No such case'), 409: jsonResponse(z.object({}), 'The step is not pending or the case is closed') },
});

type TCaseRow = NonNullable<Awaited<ReturnType<typeof getDeprovisioningCase>>>;

function toCase(row: TCaseRow): TDeprovisioningCase {
  const { case: found, employee, serviceCode } = row;
  return {
    id: found.id,
    status: found.status,
    reason: found.reason,
    runId: found.runId,
    openedAt: found.openedAt.toISOString(),
    closedAt: found.closedAt?.toISOString() ?? null,
    employee: { id: employee.id, directoryId: employee.directoryId, displayName: `${employee.firstName} ${employee.lastName}`.trim(), serviceCode, active: employee.active },
    steps: DEPROVISIONING_STEPS.map((step) => {
      const state = found.steps[step];
      const status = STEP_STATUSES.find((known) => known === state?.status) ?? 'not-needed';
      return { step, status, at: state?.at ?? null, note: state?.note ?? null };
    }),
  };
}

export function deprovisioningRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const { rows, total } = await listDeprovisioningCases(deps.db, query);
      return c.json({ items: rows.map(toCase), page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(markStep, async (c) => {
      const { id, step } = c.req.valid('param');
      const { note } = c.req.valid('json');
      await markDeprovisioningStep(deps.db, { caseId: id, step, note, actor: actorOf(c.var) }).catch((err: unknown) => {
        throw err instanceof DirectorySyncError ? new ApiError(err.code, err.message) : err;
      });
      const row = await getDeprovisioningCase(deps.db, { id });
      if (!row) throw new ApiError('not_found', 'No such deprovisioning case');
      return c.json(toCase(row), 200);
    });
}
