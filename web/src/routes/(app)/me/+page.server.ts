import { redirect } from '@sveltejs/kit';
import { loadOrRaise } from '$lib/server/api-errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = await loadOrRaise(event, event.locals.api.requireMe());
  if (me.employeeId) redirect(303, `/employees/${encodeURIComponent(me.employeeId)}`);
  return {};
};
