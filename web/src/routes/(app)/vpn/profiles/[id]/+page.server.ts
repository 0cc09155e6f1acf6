import { deleteAction, isNew, loadVpnPage, requireFound, saveProfileAction } from '$lib/server/vpn-actions';
import { profileFormValues } from '$lib/server/vpn-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { canManage, profiles, servers } = await loadVpnPage(event);
  const profile = requireFound(event, profiles.find((row) => row.id === event.params.id), canManage);
  return {
    canManage,
    profile,
    values: profile ? profileFormValues(profile) : { code: '', name: '', subnet: '', routes: '', firewall: '' },
    servers: profile ? servers.filter((server) => server.profile.id === profile.id) : [],
    saved: event.url.searchParams.has('saved'),
  };
};

export const actions: Actions = {
  save: (event) => saveProfileAction(event, event.params.id),
  delete: (event) => (isNew(event.params.id) ? undefined : deleteAction(event, 'profile', event.params.id)),
};
