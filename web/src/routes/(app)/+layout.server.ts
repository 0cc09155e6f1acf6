import { redirect } from '@sveltejs/kit';
import { loadOrRaise } from '$lib/server/api-errors';
import { loginPath } from '$lib/server/safe-redirect';
import { toSessionUser } from '$lib/session-user';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  // Memoised per request: page loads and actions that need Me share this one GET /api/auth/session.
  const me = await loadOrRaise(event, event.locals.api.getSession());
  if (!me) redirect(303, loginPath(event.url));
  return { me: toSessionUser(me), locale: me.locale };
};
