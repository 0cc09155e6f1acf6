import { error, redirect } from '@sveltejs/kit';
import { ZPageQuery } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { canApprove } from '$lib/navigation';
import { loadOrRaise } from '$lib/server/api-errors';
import { parseRequestId, runBulk, runTransition } from '$lib/server/request-actions';
import type { Actions, PageServerLoad } from './$types';

/** Each card needs the request's detail (eligibility problems, allowed steps): keep pages short. */
const PAGE_SIZE = 10;

export const load: PageServerLoad = async (event) => {
  const { api, locale } = event.locals;
  const me = await loadOrRaise(event, api.requireMe());
  if (!canApprove(me)) {
    error(403, { message: translate(locale, 'apiError.forbidden'), code: 'forbidden', requestId: event.locals.requestId });
  }
  const { page } = ZPageQuery.catch({ page: 1, pageSize: PAGE_SIZE }).parse({ page: event.url.searchParams.get('page') ?? undefined });
  const list = await loadOrRaise(event, api.requests.list({ status: 'submitted', page, pageSize: PAGE_SIZE }));
  const pageCount = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  if (list.items.length === 0 && page > pageCount) redirect(303, pageCount === 1 ? '/approvals' : `/approvals?page=${pageCount}`);

  const details = await loadOrRaise(event, Promise.all(list.items.map((row) => api.requests.get(row.id))));
  // An approver's own submitted requests are in their list too, but nobody decides on their own request.
  const decidable = details.filter((detail) => detail.actions.includes('approve') || detail.actions.includes('reject'));
  return {
    requests: decidable,
    total: list.total - (details.length - decidable.length),
    page,
    pageCount,
  };
};

export const actions: Actions = {
  decide: async (event) => {
    const form = await event.request.formData();
    const id = parseRequestId(event, form.get('requestId'));
    return runTransition(event, id, form);
  },
  bulk: async (event) => runBulk(event, await event.request.formData(), ['approve']),
};
