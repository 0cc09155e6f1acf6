import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n/translate';
import { loadOrRaise } from '$lib/server/api-errors';
import { textDownload } from '$lib/server/vpn-actions';
import type { RequestHandler } from './$types';

/** One CCD file (named by the station certificate's CN): ifconfig-push and the profile's routes. */
export const GET: RequestHandler = async (event) => {
  const found = await loadOrRaise(event, event.locals.api.vpn.serverExport(event.params.id));
  const content = Object.hasOwn(found.ccd, event.params.name) ? found.ccd[event.params.name] : undefined;
  if (content === undefined) error(404, { message: translate(event.locals.locale, 'apiError.not_found'), code: 'not_found', requestId: event.locals.requestId });
  return textDownload(content, event.params.name);
};
