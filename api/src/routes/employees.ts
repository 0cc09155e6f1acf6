import { z } from 'zod';
import { CommandError, getEmployee, listActivities, listEmployees, listServicesWithCounts, saveAgreement } from '@varco/db';
import { canEditAgreement, employeeScopeOf } from '../auth/scope.js';
import { defineRoute, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import {
  ZActivityList,
  ZAgreement,
  ZAgreementRequest,
  ZEmployeeDetail,
  ZEmployeeListQuery,
  ZEmployeePage,
  ZServiceList,
} from '../contract/employees.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { toAgreement, toEmployeeDetail, toEmployeeRow } from './employee-mappers.js';


const listServices = defineRoute('services:read', {
  method: 'get', path: '/api/services', tags: ['employees'], summary: 'Services with staff and eligibility counts',
  responses: { 200: jsonResponse(ZServiceList, 'Services') },
});
const activities = defineRoute('services:read', {
  method: 'get', path: '/api/activities', tags: ['employees'], summary: "The plan's activity map, optionally for one service",
  request: { query: z.object({ service: z.string().regex(/^[A-Z]{2}$/).optional() }) },
  responses: { 200: jsonResponse(ZActivityList, 'Activities') },
});
const list = defineRoute('employees:list', {
  method: 'get', path: '/api/employees', tags: ['employees'], summary: 'Search and filter employees (paginated)',
  request: { query: ZEmployeeListQuery },
  responses: { 200: jsonResponse(ZEmployeePage, 'A page of employees') },
});
const detail = defineRoute('employees:read', {
  method: 'get', path: '/api/employees/{id}', tags: ['employees'], summary: 'One employee with agreement and eligibility',
  request: { params: ZIdParam('emp') },
  responses: { 200: jsonResponse(ZEmployeeDetail, 'The employee'), 404: jsonResponse(z.object({}), 'Not found or not visible') },
});
const putAgreement = defineRoute('agreements:write', {
  method: 'put', path: '/api/employees/{id}/agreement', tags: ['employees'], summary: "Create or replace the employee's remote-work agreement",
  request: { params: ZIdParam('emp'), body: { required: true, content: { 'application/json': { schema: ZAgreementRequest } } } },
  responses: { 200: jsonResponse(ZAgreement, 'Saved'), 404: jsonResponse(z.object({}), 'Not found'), 422: jsonResponse(z.object({}), 'Refused by the rules') },
});

export function employeeRoutes(deps: TAppDeps) {
  const { db } = deps;
  return newRouter()
    .openapi(listServices, async (c) => c.json({ items: await listServicesWithCounts(db) }, 200))
    .openapi(activities, async (c) => c.json({ items: await listActivities(db, { serviceCode: c.req.valid('query').service }) }, 200))
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const scope = await employeeScopeOf(db, c.get('session')!.user);
      const { rows, total } = await listEmployees(db, { ...query, serviceCode: query.service, scope });
      return c.json({ items: rows.map(toEmployeeRow), page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(detail, async (c) => {
      const scope = await employeeScopeOf(db, c.get('session')!.user);
      const found = await getEmployee(db, { id: c.req.valid('param').id, scope });
      if (!found) throw new ApiError('not_found', 'No such employee');
      return c.json(toEmployeeDetail(found), 200);
    })
    .openapi(putAgreement, async (c) => {
      const { id } = c.req.valid('param');
      const user = c.get('session')!.user;
      const found = await getEmployee(db, { id, scope: await employeeScopeOf(db, user) });
      if (!found) throw new ApiError('not_found', 'No such employee');
      if (!canEditAgreement(user, found.employee)) {
        throw new ApiError('forbidden', "Only the employee's manager or an administrator may change this agreement");
      }
      try {
        const saved = await saveAgreement(db, { employeeId: id, input: c.req.valid('json'), actor: actorOf(c.var) });
        const refreshed = await getEmployee(db, { id, scope: { kind: 'all' } });
        return c.json(toAgreement(saved, refreshed?.agreementActivities ?? [], refreshed?.eligibility.agreementInForce ?? false), 200);
      } catch (err) {
        if (err instanceof CommandError) throw new ApiError(err.code === 'not_found' ? 'not_found' : 'unprocessable', err.message);
        throw err;
      }
    });
}
