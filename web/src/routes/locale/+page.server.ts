import { redirect } from '@sveltejs/kit';
import { ZPreferencesRequest } from '@varco/api/contract';
import { loadOrRaise } from '$lib/server/api-errors';
import { rememberLocale } from '$lib/server/locale';
import { safeLocalPath } from '$lib/server/safe-redirect';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/**
 * The language switch: a plain POST form, so it works without JavaScript. Signed-out visitors get a cookie;
 * signed-in users also get the choice saved in their preferences (it follows them to other browsers).
 */
export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const redirectTo = safeLocalPath(String(form.get('redirectTo') ?? ''));
    const parsed = ZPreferencesRequest.safeParse({ locale: form.get('locale') });
    if (!parsed.success) redirect(303, redirectTo);

    rememberLocale(event, parsed.data.locale);
    event.locals.locale = parsed.data.locale;
    const me = await loadOrRaise(event, event.locals.api.getSession());
    if (me) await loadOrRaise(event, event.locals.api.me.updatePreferences(parsed.data));
    redirect(303, redirectTo);
  },
};
