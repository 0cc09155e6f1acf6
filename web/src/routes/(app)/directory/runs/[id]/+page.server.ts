import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { ZCancelSyncRun, ZConfirmSyncRun, ZIdParam, ZSyncRunDetailQuery } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { parseListQuery } from '$lib/server/list-query';
import { nonEmptyParams } from '$lib/url-query';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const ZRunIdParam = ZIdParam('run');

/** The page's short query names (?page=, ?q=) as the API's. */
function renameParams({ page, q }: Record<string, string>): Record<string, string> {
  return { ...(page ? { disablesPage: page } : {}), ...(q ? { disablesSearch: q } : {}) };
}
/** The page polls this while the run is running (invalidate every 2 s). */
const RUN_DEPENDENCY = 'app:directory-run';

function runId(event: RequestEvent | Parameters<PageServerLoad>[0]): string {
  const parsed = ZRunIdParam.safeParse(event.params);
  if (!parsed.success) {
    error(404, { message: translate(event.locals.locale, 'apiError.not_found'), code: 'not_found', requestId: event.locals.requestId });
  }
  return parsed.data.id;
}

export const load: PageServerLoad = async (event) => {
  event.depends(RUN_DEPENDENCY);
  // The list of people to disable is paged and searchable (?page=, ?q=); a hand-edited bad value is dropped.
  const { query } = parseListQuery(ZSyncRunDetailQuery, renameParams(nonEmptyParams(event.url.searchParams, ['page', 'q'])));
  const run = await loadOrRaise(event, event.locals.api.directory.run(runId(event), query));
  // Step two of the confirmation — or of discarding the run — is its own view (?confirm=1, ?discard=1): reaching
  // either button takes two deliberate actions.
  const held = run.status === 'awaiting_confirmation';
  return {
    run,
    search: query.disablesSearch ?? '',
    disablesPageCount: run.disables ? Math.max(1, Math.ceil(run.disables.total / run.disables.pageSize)) : 1,
    confirming: run.canConfirm && event.url.searchParams.get('confirm') === '1',
    discarding: held && event.url.searchParams.get('discard') === '1',
  };
};

export const actions: Actions = {
  confirm: async (event) => {
    const id = runId(event);
    const form = await event.request.formData();
    const { locale } = event.locals;
    if (form.get('understood') !== 'yes') {
      return invalidForm(event, { understood: translate(locale, 'directory.confirm.error.understood') }, undefined);
    }
    const parsed = ZConfirmSyncRun.safeParse({ acknowledgedDisables: Number(form.get('acknowledgedDisables')) });
    if (!parsed.success) return invalidForm(event, { understood: translate(locale, 'directory.confirm.error.changed') }, undefined);
    try {
      await event.locals.api.directory.confirmRun(id, parsed.data);
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
    redirect(303, resolve('/(app)/directory/runs/[id]', { id }));
  },
  discard: async (event) => {
    const id = runId(event);
    const form = await event.request.formData();
    const parsed = ZCancelSyncRun.safeParse({ reason: String(form.get('reason') ?? '') || null });
    if (!parsed.success) return invalidForm(event, { reason: translate(event.locals.locale, 'directory.discard.error.reason') }, undefined);
    try {
      await event.locals.api.directory.cancelRun(id, parsed.data);
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
    redirect(303, resolve('/(app)/directory/runs/[id]', { id }));
  },
};
