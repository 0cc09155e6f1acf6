import { redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

// Only the POST form action signs out: a GET (prefetch, crawler, typed URL) must not end a session.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ locals }) => {
    try {
      await locals.api.auth.logout();
    } catch (err) {
      // The cookie is already gone from the browser; an API hiccup must not keep the person "signed in".
      if (!(err instanceof ApiError)) throw err;
      console.warn(`[web] logout: API answered ${err.status} ${err.code} (${err.requestId ?? locals.requestId})`);
    }
    redirect(303, '/login');
  },
};
