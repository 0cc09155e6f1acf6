import { ApiError } from '$lib/server/api';
import { deleteAction, isNew, loadVpnPage, requireFound, saveServerAction } from '$lib/server/vpn-actions';
import { serverFormValues } from '$lib/server/vpn-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { canManage, profiles, servers } = await loadVpnPage(event);
  const server = requireFound(event, servers.find((row) => row.id === event.params.id), canManage);
  // The CCD files are listed for download; a gateway the reader may not export simply shows none.
  const exported = server
    ? await event.locals.api.vpn.serverExport(server.id).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      })
    : null;
  return {
    canManage,
    server,
    profiles: profiles.map((profile) => ({ id: profile.id, name: profile.name, code: profile.code })),
    values: server ? serverFormValues(server) : { name: '', host: '', port: '1194', protocol: 'udp', capacity: '200', profileId: event.url.searchParams.get('profile') ?? profiles[0]?.id ?? '', enabled: true },
    ccdFiles: exported ? Object.keys(exported.ccd).sort() : [],
    saved: event.url.searchParams.has('saved'),
  };
};

export const actions: Actions = {
  save: (event) => saveServerAction(event, event.params.id),
  delete: (event) => (isNew(event.params.id) ? undefined : deleteAction(event, 'server', event.params.id)),
};
