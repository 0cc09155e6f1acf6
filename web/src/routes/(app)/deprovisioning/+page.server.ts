import { ZDeprovisioningListQuery, ZDeprovisioningStepParams, ZMarkStepRequest } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { parseListQuery } from '$lib/server/list-query';
import { nonEmptyParams } from '$lib/url-query';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const { query } = parseListQuery(ZDeprovisioningListQuery, nonEmptyParams(event.url.searchParams, ['status', 'page']));
  const [me, cases] = await loadOrRaise(event, Promise.all([api.requireMe(), api.deprovisioning.list({ ...query, pageSize: PAGE_SIZE })]));
  return {
    status: query.status,
    cases,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(cases.total / PAGE_SIZE)),
    canAct: me.permissions.includes('deprovisioning:act'),
  };
};

export const actions: Actions = {
  markStep: async (event) => {
    const form = await event.request.formData();
    const params = ZDeprovisioningStepParams.safeParse({ id: form.get('caseId'), step: form.get('step') });
    const body = ZMarkStepRequest.safeParse({ status: 'done', note: String(form.get('note') ?? '').trim() || null });
    if (!params.success || !body.success) {
      return invalidForm(event, { note: translate(event.locals.locale, 'deprovisioning.error.note') }, undefined);
    }
    try {
      await event.locals.api.deprovisioning.markStep(params.data.id, params.data.step, body.data);
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
    return { marked: { caseId: params.data.id, step: params.data.step } };
  },
};
