import { loadOrRaise } from '$lib/server/api-errors';
import { textDownload } from '$lib/server/vpn-actions';
import type { RequestHandler } from './$types';

/** The profile's nftables rule set as a file (`nft -f nftables.conf` on the gateway). */
export const GET: RequestHandler = async (event) => {
  const found = await loadOrRaise(event, event.locals.api.vpn.nftables(event.params.id));
  return textDownload(found.nftables, `nftables-${found.profileCode}.conf`);
};
