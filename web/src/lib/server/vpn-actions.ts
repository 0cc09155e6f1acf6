import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { translate } from '$lib/i18n/translate';
import { ApiError } from './api';
import { actionFailure, invalidForm, loadOrRaise } from './api-errors';
import { readProfileForm, readServerForm, validateProfileForm, validateServerForm } from './vpn-forms';

/**
 * Form actions and loads of the VPN profile and gateway pages. `id` is "new" for the creation form. The API's
 * refusals that concern a field (a code or host:port already taken, a subnet that cannot change) are shown with
 * the API's sentence next to the form, since it names the clash precisely.
 */
export const isNew = (id: string) => id === 'new';

export async function loadVpnPage(event: RequestEvent) {
  const me = await loadOrRaise(event, event.locals.api.requireMe());
  const canManage = me.permissions.includes('vpn:manage');
  const [profiles, servers] = await loadOrRaise(event, Promise.all([event.locals.api.vpn.profiles(), event.locals.api.vpn.servers()]));
  return { canManage, profiles: profiles.items, servers: servers.items };
}

/** Reading a form that does not exist, or creating without the right: the error page, never an empty form. */
export function requireFound<T>(event: RequestEvent, found: T | undefined, canManage: boolean): T | null {
  const raise = (status: 403 | 404, code: 'forbidden' | 'not_found'): never =>
    error(status, { message: translate(event.locals.locale, `apiError.${code}`), code, requestId: event.locals.requestId });
  if (isNew(event.params['id'] ?? '')) return canManage ? null : raise(403, 'forbidden');
  return found ?? raise(404, 'not_found');
}

function conflictFailure<V>(event: RequestEvent, err: unknown, values: V) {
  const failure = actionFailure(event, err, { values });
  if (err instanceof ApiError && (err.status === 409 || err.status === 422)) {
    return fail(err.status, { ...failure.data, message: translate(event.locals.locale, 'vpn.form.refused'), detail: err.message });
  }
  return failure;
}

export async function saveProfileAction(event: RequestEvent, id: string) {
  const values = readProfileForm(await event.request.formData());
  const checked = validateProfileForm(event.locals.locale, values);
  if (!checked.ok) return invalidForm(event, checked.fieldErrors, values);
  let savedId: string;
  try {
    savedId = (await event.locals.api.vpn.saveProfile(isNew(id) ? null : id, checked.input)).id;
  } catch (err) {
    return conflictFailure(event, err, values);
  }
  redirect(303, `/vpn/profiles/${encodeURIComponent(savedId)}?saved=1`);
}

export async function saveServerAction(event: RequestEvent, id: string) {
  const values = readServerForm(await event.request.formData());
  const checked = validateServerForm(event.locals.locale, values);
  if (!checked.ok) return invalidForm(event, checked.fieldErrors, values);
  let savedId: string;
  try {
    savedId = (await event.locals.api.vpn.saveServer(isNew(id) ? null : id, checked.input)).id;
  } catch (err) {
    return conflictFailure(event, err, values);
  }
  redirect(303, `/vpn/servers/${encodeURIComponent(savedId)}?saved=1`);
}

/** Deleting is final: the tick is checked here too, so a form posted without it deletes nothing. */
export async function deleteAction(event: RequestEvent, kind: 'profile' | 'server', id: string) {
  const form = await event.request.formData();
  if (form.get('confirmDelete') !== 'yes') {
    return invalidForm(event, { confirmDelete: translate(event.locals.locale, 'vpn.delete.required') }, undefined);
  }
  try {
    await (kind === 'profile' ? event.locals.api.vpn.deleteProfile(id) : event.locals.api.vpn.deleteServer(id));
  } catch (err) {
    return conflictFailure(event, err, undefined);
  }
  redirect(303, `/vpn/servers?deleted=${kind}`);
}

/** A text file download through the console (the API answers JSON; the gateway wants the file itself). */
export function textDownload(content: string, fileName: string): Response {
  return new Response(content, {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
    },
  });
}
