import { ZAuditQuery } from '@varco/api/contract';
import { translate, type MessageKey } from '$lib/i18n/translate';
import { loadOrRaise } from '$lib/server/api-errors';
import { cityLocalToIso } from '$lib/server/city-time';
import { parseListQuery } from '$lib/server/list-query';
import { nonEmptyParams } from '$lib/url-query';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const FILTERS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to'] as const;
const FILTER_ERRORS: Record<(typeof FILTERS)[number], MessageKey> = {
  actor: 'audit.filter.error.actor',
  action: 'audit.filter.error.action',
  targetType: 'audit.filter.error.targetType',
  targetId: 'audit.filter.error.targetId',
  from: 'audit.filter.error.time',
  to: 'audit.filter.error.time',
};

export const load: PageServerLoad = async (event) => {
  const values = nonEmptyParams(event.url.searchParams, FILTERS);
  const raw = nonEmptyParams(event.url.searchParams, [...FILTERS, 'page']);
  // The form speaks the city's wall-clock time (datetime-local); the API wants ISO 8601 with an offset.
  for (const name of ['from', 'to'] as const) {
    if (raw[name]) raw[name] = cityLocalToIso(raw[name]) ?? raw[name];
  }
  const parsed = parseListQuery(ZAuditQuery, raw);
  const query = { ...parsed.query, pageSize: PAGE_SIZE };

  const fieldErrors: Record<string, string> = {};
  for (const name of parsed.invalid) {
    if (name in FILTER_ERRORS) {
      fieldErrors[name] = translate(event.locals.locale, FILTER_ERRORS[name as keyof typeof FILTER_ERRORS]);
    }
  }

  const audit = await loadOrRaise(event, event.locals.api.audit.list(query));
  const pageCount = Math.max(1, Math.ceil(audit.total / PAGE_SIZE));
  const hasFilters = FILTERS.some((name) => values[name] !== undefined);
  return { values, fieldErrors, audit, page: query.page, pageCount, hasFilters };
};
