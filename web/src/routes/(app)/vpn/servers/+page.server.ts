import { loadVpnPage } from '$lib/server/vpn-actions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({ ...(await loadVpnPage(event)), deleted: event.url.searchParams.get('deleted') });
