import { loadOrRaise } from '$lib/server/api-errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({
  reports: await loadOrRaise(event, event.locals.api.reports.requests()),
});
