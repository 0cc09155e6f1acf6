import { redirect } from '@sveltejs/kit';
import { ZEmployeeListQuery } from '@varco/api/contract';
import { loadOrRaise } from '$lib/server/api-errors';
import { parseListQuery } from '$lib/server/list-query';
import { nonEmptyParams } from '$lib/url-query';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const QUERY_PARAMS = ['q', 'service', 'eligible', 'active', 'sort', 'page'] as const;

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const parsed = parseListQuery(ZEmployeeListQuery, nonEmptyParams(event.url.searchParams, QUERY_PARAMS));
  const query = { ...parsed.query, pageSize: PAGE_SIZE };

  const [employees, services] = await loadOrRaise(event, Promise.all([api.employees.list(query), api.services.list()]));

  // A bookmarked "page 12" after the list shrank: go to the last page rather than show an empty one.
  const pageCount = Math.max(1, Math.ceil(employees.total / PAGE_SIZE));
  if (employees.items.length === 0 && query.page > pageCount) {
    const lastPage = new URL(event.url);
    if (pageCount === 1) lastPage.searchParams.delete('page');
    else lastPage.searchParams.set('page', String(pageCount));
    redirect(303, `${lastPage.pathname}${lastPage.search}`);
  }

  return { query, employees, pageCount, services: services.items, hasFilters: hasFilters(query) };
};

function hasFilters(query: { q?: string; service?: string; eligible?: boolean; active?: boolean }): boolean {
  return Boolean(query.q) || Boolean(query.service) || query.eligible !== undefined || query.active !== undefined;
}
