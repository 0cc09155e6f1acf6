import { redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api';
import { actionFailure, loadOrRaise } from '$lib/server/api-errors';
import { createCaAction, importCaAction } from '$lib/server/ca-actions';
import type { Actions, PageServerLoad } from './$types';

const JOB_ID = /^obx_[0-9a-z]{10,32}$/;

export const load: PageServerLoad = async (event) => {
  const [me, status] = await loadOrRaise(event, Promise.all([event.locals.api.requireMe(), event.locals.api.pki.status()]));
  const isAdmin = me.permissions.includes('pki:admin');
  // The CA creation the admin started (?caJob=…): its progress, polled by the page while it runs.
  const jobId = event.url.searchParams.get('caJob');
  let caJob = null;
  if (isAdmin && jobId && JOB_ID.test(jobId)) {
    caJob = await event.locals.api.pki.caJob(jobId).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
  }
  return { status, canPublish: isAdmin, canManageCa: isAdmin, caJob };
};

export const actions: Actions = {
  publishCrl: async (event) => {
    try {
      await event.locals.api.pki.publishCrl();
      return { published: true };
    } catch (err) {
      return actionFailure(event, err, { values: undefined });
    }
  },
  createCa: async (event) => {
    const result = await createCaAction(event);
    if ('jobId' in result) redirect(303, `/pki?caJob=${encodeURIComponent(result.jobId)}#ca-job`);
    return result;
  },
  importCa: importCaAction,
};
