import { redirect } from '@sveltejs/kit';
import { ZLoginRequest } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { rememberLocale } from '$lib/server/locale';
import { safeLocalPath } from '$lib/server/safe-redirect';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = await loadOrRaise(event, event.locals.api.getSession());
  if (me) redirect(303, safeLocalPath(event.url.searchParams.get('next')));
  return {};
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const username = String(form.get('username') ?? '');
    const password = String(form.get('password') ?? '');
    const values = { username };
    const { locale } = event.locals;

    const fieldErrors: Record<string, string> = {};
    const parsed = ZLoginRequest.safeParse({ username, password });
    if (!parsed.success || username.trim() === '') fieldErrors['username'] = translate(locale, 'login.error.username');
    if (password === '') fieldErrors['password'] = translate(locale, 'login.error.password');
    if (!parsed.success || Object.keys(fieldErrors).length > 0) return invalidForm(event, fieldErrors, values);

    try {
      const me = await event.locals.api.auth.login(parsed.data);
      // The signed-out pages (this one after "Esci") then speak the user's saved language.
      rememberLocale(event, me.locale);
    } catch (err) {
      return actionFailure(event, err, { values });
    }
    redirect(303, safeLocalPath(event.url.searchParams.get('next')));
  },
};
