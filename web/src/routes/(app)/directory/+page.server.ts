import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { ZStartSyncRun } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 20;

function pageOf(url: URL): number {
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const page = pageOf(event.url);
  const [settings, runs] = await loadOrRaise(event, Promise.all([api.directory.settings(), api.directory.runs({ page, pageSize: PAGE_SIZE })]));
  return { settings, runs, page, pageCount: Math.max(1, Math.ceil(runs.total / PAGE_SIZE)) };
};

export const actions: Actions = {
  testConnection: async (event) => {
    try {
      return { connection: await event.locals.api.directory.testConnection() };
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
  },
  start: async (event) => {
    const form = await event.request.formData();
    // Two submit buttons share the form: "intent" says which one was pressed.
    const parsed = ZStartSyncRun.safeParse({ mode: form.get('mode'), dryRun: form.get('intent') !== 'sync' });
    if (!parsed.success) {
      return invalidForm(event, { mode: translate(event.locals.locale, 'directory.start.error.mode') }, undefined);
    }
    let runId: string;
    try {
      runId = (await event.locals.api.directory.startRun(parsed.data)).id;
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
    redirect(303, resolve('/(app)/directory/runs/[id]', { id: runId }));
  },
};
