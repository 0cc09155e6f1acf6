import { fail, redirect } from '@sveltejs/kit';
import { ZAssetImport, ZAssetQuery } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { parseListQuery } from '$lib/server/list-query';
import { nonEmptyParams } from '$lib/url-query';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const FILTERS = ['type', 'status', 'q'] as const;
/** The API's own limit (ZAssetImport: 2,000,000 characters). */
const MAX_CSV_BYTES = 2_000_000;

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const me = await loadOrRaise(event, api.requireMe());
  const parsed = parseListQuery(ZAssetQuery, nonEmptyParams(event.url.searchParams, [...FILTERS, 'page']));
  const query = { ...parsed.query, pageSize: PAGE_SIZE };
  const assets = await loadOrRaise(event, api.assets.list(query));
  const pageCount = Math.max(1, Math.ceil(assets.total / PAGE_SIZE));
  if (assets.items.length === 0 && query.page > pageCount) {
    const lastPage = new URL(event.url);
    if (pageCount === 1) lastPage.searchParams.delete('page');
    else lastPage.searchParams.set('page', String(pageCount));
    redirect(303, `${lastPage.pathname}${lastPage.search}`);
  }
  return {
    assets,
    query,
    pageCount,
    invalidFilters: parsed.invalid.length > 0,
    hasFilters: FILTERS.some((name) => query[name] !== undefined),
    canImport: me.permissions.includes('assets:write'),
  };
};

export const actions: Actions = {
  /** All or nothing: the API imports every row or none, and says which rows are wrong (422). */
  import: async (event) => {
    const { api, locale } = event.locals;
    const form = await event.request.formData();
    const file = form.get('file');
    const typed = typeof form.get('csv') === 'string' ? String(form.get('csv')) : '';
    const hasFile = file instanceof File && file.size > 0;
    if (hasFile && file.size > MAX_CSV_BYTES) {
      return invalidForm(event, { csv: translate(locale, 'assetImport.error.tooLarge') }, { form: 'import' as const, csv: typed });
    }
    const csv = hasFile ? await file.text() : typed;
    const values = { form: 'import' as const, csv };
    const parsed = ZAssetImport.safeParse({ csv: csv.trim() === '' ? '' : csv });
    if (!parsed.success) {
      const key = csv.length > MAX_CSV_BYTES ? 'assetImport.error.tooLarge' : 'assetImport.error.csv';
      return invalidForm(event, { csv: translate(locale, key) }, values);
    }
    try {
      const result = await api.assets.import(parsed.data.csv);
      if (result.problems.length > 0) return fail(422, { kind: 'problems' as const, problems: result.problems, csv });
      return { kind: 'imported' as const, imported: result.imported };
    } catch (err) {
      return actionFailure(event, err, { values });
    }
  },
};
