import { loadOrRaise } from '$lib/server/api-errors';
import { textDownload } from '$lib/server/vpn-actions';
import type { RequestHandler } from './$types';

/** The gateway's OpenVPN server snippet (ca, crl-verify, client-config-dir, verify-client-cert require). */
export const GET: RequestHandler = async (event) => {
  const found = await loadOrRaise(event, event.locals.api.vpn.serverExport(event.params.id));
  return textDownload(found.snippet, 'server.conf');
};
