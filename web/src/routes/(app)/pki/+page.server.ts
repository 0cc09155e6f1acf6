import { loadOrRaise, actionFailure } from '$lib/server/api-errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const [me, status] = await loadOrRaise(event, Promise.all([event.locals.api.requireMe(), event.locals.api.pki.status()]));
  return { status, canPublish: me.permissions.includes('pki:admin') };
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
};
