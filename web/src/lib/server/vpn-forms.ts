import { ZVpnProfileInput, ZVpnServerInput, type TLocale, type TVpnProfile, type TVpnProfileInput, type TVpnServer, type TVpnServerInput } from '@varco/api/contract';
import type { z } from 'zod';
import { translate, type MessageKey } from '$lib/i18n/translate';

/**
 * The VPN profile and gateway forms: what the browser posts (strings; routes and firewall rules one per line) to
 * the API's shapes, checked with the contract's schemas so each error lands next to its field, in the user's
 * language, with the line it is on.
 */
export interface TProfileFormValues {
  code: string;
  name: string;
  subnet: string;
  /** One network per line: 10.1.0.0/16 */
  routes: string;
  /** One rule per line: 10.1.2.0/24 tcp 443,8443 */
  firewall: string;
}

export interface TServerFormValues {
  name: string;
  host: string;
  port: string;
  protocol: string;
  capacity: string;
  profileId: string;
  enabled: boolean;
}

export type TFormResult<T, V> = { ok: true; input: T } | { ok: false; fieldErrors: Record<string, string>; values: V };

const PROFILE_MESSAGES: Record<keyof TProfileFormValues, MessageKey> = {
  code: 'vpn.form.error.code',
  name: 'vpn.form.error.name',
  subnet: 'vpn.form.error.subnet',
  routes: 'vpn.form.error.routes',
  firewall: 'vpn.form.error.firewall',
};
const SERVER_MESSAGES: Record<Exclude<keyof TServerFormValues, 'enabled'>, MessageKey> = {
  name: 'vpn.form.error.serverName',
  host: 'vpn.form.error.host',
  port: 'vpn.form.error.port',
  protocol: 'vpn.form.error.protocol',
  capacity: 'vpn.form.error.capacity',
  profileId: 'vpn.form.error.profileId',
};

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

/** "10.1.2.0/24 tcp 443,8443" → { cidr, proto, ports }; anything else keeps its text so the schema refuses it. */
function parseRule(line: string) {
  const [cidr = '', proto = '', ports = ''] = line.split(/\s+/);
  return { cidr, proto, ports: ports.split(',').filter(Boolean).map((port) => (/^\d+$/.test(port) ? Number(port) : Number.NaN)) };
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

export function readProfileForm(form: FormData): TProfileFormValues {
  return { code: text(form, 'code'), name: text(form, 'name'), subnet: text(form, 'subnet'), routes: text(form, 'routes'), firewall: text(form, 'firewall') };
}

export function readServerForm(form: FormData): TServerFormValues {
  return {
    name: text(form, 'name'),
    host: text(form, 'host'),
    port: text(form, 'port'),
    protocol: text(form, 'protocol'),
    capacity: text(form, 'capacity'),
    profileId: text(form, 'profileId'),
    enabled: form.get('enabled') === 'on',
  };
}

/** Field → message; for the line-based fields the message names the first wrong line. */
function fieldErrorsOf(locale: TLocale, issues: readonly z.core.$ZodIssue[], messages: Record<string, MessageKey>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const [field, index] = issue.path;
    const key = messages[String(field)];
    if (!key || errors[String(field)]) continue;
    const message = translate(locale, key);
    errors[String(field)] = typeof index === 'number' ? translate(locale, 'vpn.form.error.line', { line: index + 1, message }) : message;
  }
  return errors;
}

export function validateProfileForm(locale: TLocale, values: TProfileFormValues): TFormResult<TVpnProfileInput, TProfileFormValues> {
  const parsed = ZVpnProfileInput.safeParse({
    code: values.code,
    name: values.name,
    subnet: values.subnet,
    routes: lines(values.routes).map((network) => ({ network })),
    firewall: lines(values.firewall).map(parseRule),
  });
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, fieldErrors: fieldErrorsOf(locale, parsed.error.issues, PROFILE_MESSAGES), values };
}

export function validateServerForm(locale: TLocale, values: TServerFormValues): TFormResult<TVpnServerInput, TServerFormValues> {
  const number = (value: string) => (/^\d+$/.test(value) ? Number(value) : Number.NaN);
  // Host names are case-insensitive: ours are stored in lower case (the API's rule), whatever was typed.
  const parsed = ZVpnServerInput.safeParse({ ...values, host: values.host.toLowerCase(), port: number(values.port), capacity: number(values.capacity) });
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, fieldErrors: fieldErrorsOf(locale, parsed.error.issues, SERVER_MESSAGES), values };
}

/** A saved profile shown in the form (one route / rule per line). */
export function profileFormValues(profile: TVpnProfile): TProfileFormValues {
  return {
    code: profile.code,
    name: profile.name,
    subnet: profile.subnet,
    routes: profile.routes.map((route) => route.network).join('\n'),
    firewall: profile.firewall.map((rule) => `${rule.cidr} ${rule.proto} ${rule.ports.join(',')}`).join('\n'),
  };
}

export function serverFormValues(server: TVpnServer): TServerFormValues {
  return { name: server.name, host: server.host, port: String(server.port), protocol: server.protocol, capacity: String(server.capacity), profileId: server.profile.id, enabled: server.enabled };
}
