import { redirect } from '@sveltejs/kit';
import { ZEmployeeListQuery, ZRequestListQuery, type TEmployeeRow } from '@varco/api/contract';
import { seesOthersRequests } from '$lib/navigation';
import { SMART_WORKING_KIT } from '$lib/requests/workflow';
import { ApiError } from '$lib/server/api';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { parseListQuery } from '$lib/server/list-query';
import { readNewRequestForm, validateNewRequest } from '$lib/server/request-forms';
import { nonEmptyParams } from '$lib/url-query';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const PAGE_SIZE = 20;
const EMPLOYEE_RESULTS = 20;

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const me = await loadOrRaise(event, api.requireMe());
  const parsed = parseListQuery(ZRequestListQuery, nonEmptyParams(event.url.searchParams, ['status', 'page']));
  const query = { ...parsed.query, pageSize: PAGE_SIZE };
  const canCreate = me.permissions.includes('requests:create');
  const canPickEmployee = canCreate && me.permissions.includes('employees:list');
  const employeeQ = (event.url.searchParams.get('employeeQ') ?? '').trim().slice(0, 100);

  const [requests, employees, kit] = await loadOrRaise(
    event,
    Promise.all([
      api.requests.list(query),
      canPickEmployee && employeeQ ? searchEmployees(event, employeeQ) : null,
      me.employeeId ? api.me.kit() : null,
    ]),
  );

  const pageCount = Math.max(1, Math.ceil(requests.total / PAGE_SIZE));
  if (requests.items.length === 0 && query.page > pageCount) {
    const lastPage = new URL(event.url);
    if (pageCount === 1) lastPage.searchParams.delete('page');
    else lastPage.searchParams.set('page', String(pageCount));
    redirect(303, `${lastPage.pathname}${lastPage.search}`);
  }

  return {
    requests,
    kit,
    query,
    pageCount,
    hasFilters: query.status !== undefined,
    mine: !seesOthersRequests(me),
    canCreate,
    canPickEmployee,
    employeeSearch: { q: employeeQ, results: employees },
  };
};

async function searchEmployees(event: Parameters<PageServerLoad>[0], q: string): Promise<TEmployeeRow[]> {
  const query = ZEmployeeListQuery.parse({ q, active: 'true', pageSize: EMPLOYEE_RESULTS });
  return (await event.locals.api.employees.list(query)).items;
}

export const actions: Actions = {
  create: async (event) => {
    const { api, locale } = event.locals;
    const me = await api.requireMe();
    const { intent, ...values } = readNewRequestForm(await event.request.formData());
    const formValues = { form: 'create' as const, ...values };
    const validation = validateNewRequest(locale, values, { needsEmployee: me.employeeId === null });
    if (!validation.success) return invalidForm(event, validation.fieldErrors, formValues);

    let id: string;
    try {
      id = (await api.requests.create(validation.request)).id;
    } catch (err) {
      return actionFailure(event, err, { values: formValues });
    }
    const outcome = intent === 'draft' ? 'draft' : await submitDraft(event, id);
    redirect(303, `/requests/${encodeURIComponent(id)}?created=${outcome}`);
  },

  /** "Kit lavoro agile" without JavaScript: the form comes back with the kit's boxes ticked, nothing saved. */
  kit: async (event) => {
    const { employeeId, kinds, note } = readNewRequestForm(await event.request.formData());
    return { kind: 'kit' as const, values: { employeeId, note, kinds: [...new Set([...kinds, ...SMART_WORKING_KIT])] } };
  },
};

/** "Invia la richiesta" creates the draft and submits it; if the second step fails, the draft is still there. */
async function submitDraft(event: RequestEvent, id: string): Promise<'submitted' | 'submitFailed'> {
  try {
    await event.locals.api.requests.transition(id, { action: 'submit', comment: null, override: false });
    return 'submitted';
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    console.warn(`[web] submitting new request ${id} failed (${event.locals.requestId}): ${err.code}`);
    return 'submitFailed';
  }
}
