import { redirect } from '@sveltejs/kit';
import { ZQueueQuery } from '@varco/api/contract';
import { QUEUE_BULK_ACTIONS } from '$lib/requests/workflow';
import { loadOrRaise } from '$lib/server/api-errors';
import { runBulkCertificates } from '$lib/server/bulk-certificates';
import { parseListQuery } from '$lib/server/list-query';
import { downloadBundleAction } from '$lib/server/pki-actions';
import { runBulk } from '$lib/server/request-actions';
import { nonEmptyParams } from '$lib/url-query';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 25;

export const load: PageServerLoad = async (event) => {
  const parsed = parseListQuery(ZQueueQuery, nonEmptyParams(event.url.searchParams, ['kind', 'mine', 'page']));
  const query = { ...parsed.query, pageSize: PAGE_SIZE };
  const queue = await loadOrRaise(event, event.locals.api.queue.list(query));
  const pageCount = Math.max(1, Math.ceil(queue.total / PAGE_SIZE));
  if (queue.items.length === 0 && query.page > pageCount) {
    const lastPage = new URL(event.url);
    if (pageCount === 1) lastPage.searchParams.delete('page');
    else lastPage.searchParams.set('page', String(pageCount));
    redirect(303, `${lastPage.pathname}${lastPage.search}`);
  }
  return { queue, query, pageCount, hasFilters: Boolean(query.kind) || query.mine === 'true' };
};

export const actions: Actions = {
  bulk: async (event) => runBulk(event, await event.request.formData(), QUEUE_BULK_ACTIONS),
  /** Station certificates for the VPN items of the selected requests (same selection as `bulk`). */
  bulkCertificates: async (event) => runBulkCertificates(event, await event.request.formData()),
  /** A bulk-issued certificate's one-time bundle, exactly as the employee page hands it out. */
  downloadBundle: (event) => downloadBundleAction(event),
};
