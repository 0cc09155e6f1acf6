/**
 * Sign-in against Active Directory or OpenLDAP (ldapts).
 *
 * Flow: validate input (no network for empty/whitespace passwords or odd usernames) → bind as the service account →
 * find exactly one user with a filter object (never string concatenation of user input) → bind AS THAT DN with the
 * password on a fresh connection → only then look at "disabled" and the groups.
 *
 * Decisions (see TRAPS.md, LDAP):
 * - Empty / whitespace-only / missing passwords never reach the server: with AD or `olcAllows: bind_anon_dn` a DN
 *   plus an empty password "succeeds" as anonymous (RFC 4513 §5.1.2).
 * - 'disabled' is answered only after the password was verified, so it cannot be used to probe which accounts exist.
 *   A wrong password on a disabled account is 'invalid_credentials'. Real AD refuses the bind of a disabled
 *   account itself (49, data 533), so on real AD such users also get 'invalid_credentials'.
 *   AD: `userAccountControl & 0x2`; a missing/unreadable userAccountControl counts as disabled (fail closed).
 *   OpenLDAP: `disabledAttribute` = `disabledValue` (default `employeeType: disabled`, the test fixture's convention).
 * - `directoryId` is the entry's login attribute (uid / sAMAccountName) lower-cased: the key employees.directory_id
 *   and upsertDirectoryUser match on.
 * - Roles: 'employee' always, plus `groupRoles` (group DN, case-insensitive, spaces around separators ignored):
 *   AD and OpenLDAP without `groupBaseDn` read the entry's `memberOf` (direct groups only; AD nested groups are not
 *   expanded); OpenLDAP with `groupBaseDn` searches groupOfNames with member=<user DN>.
 * - Every network or server problem (refused, timeout, TLS failure, service bind rejected, unexpected LDAP error)
 *   is 'unavailable' (the caller answers 503). Nothing is thrown, nothing is logged here; the passwords never appear
 *   in a result. `timeoutMs` bounds the TCP connect and every LDAP operation; the whole sign-in is capped at
 *   4 × timeoutMs (covers a TLS handshake that never completes).
 * - TLS: `ldaps://` URLs use TLS from the first byte (`startTls` is then ignored); `startTls: true` on `ldap://`
 *   upgrades before any bind and never falls back to plain text. `caFile` (PEM) replaces the system trust store.
 *   The certificate must match the URL's host name (IP SANs for IP URLs).
 */
import { openDirectoryClient } from '@varco/workers/directory/connection';
import { AndFilter, Client, EqualityFilter, FilterParser, type Entry, type Filter } from 'ldapts';

export type TDirectoryProfile = 'openldap' | 'ad';
export type TDirectoryRole = 'employee' | 'approver' | 'hotline' | 'it-manager' | 'admin';

export interface TDirectoryAuthConfig {
  url: string;
  bindDn: string;
  bindPassword: string;
  userBaseDn: string;
  groupBaseDn?: string;
  profile: TDirectoryProfile;
  /** Extra static filter AND-ed with the login filter, e.g. (objectClass=inetOrgPerson). Operator-provided. */
  userFilter?: string;
  /** group DN (case-insensitive) → role */
  groupRoles: Record<string, TDirectoryRole>;
  startTls: boolean;
  caFile?: string;
  timeoutMs: number;
  /** openldap profile: attribute marking a disabled account (default 'employeeType'). */
  disabledAttribute?: string;
  /** openldap profile: value of `disabledAttribute` meaning disabled, case-insensitive (default 'disabled'). */
  disabledValue?: string;
}

export type TDirectoryAuthResult =
  | { ok: true; user: { directoryId: string; dn: string; displayName: string; email: string | null; roles: string[] } }
  | { ok: false; reason: 'invalid_credentials' | 'disabled' | 'unavailable' };

export type TDirectoryConnectionFailure =
  | 'misconfigured'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'service_bind_rejected'
  | 'base_not_found'
  | 'unavailable';

export type TDirectoryConnectionResult =
  | { ok: true }
  /** `detail` is an error code or class name (e.g. ECONNREFUSED, InvalidCredentialsError), never a message. */
  | { ok: false; reason: TDirectoryConnectionFailure; detail?: string };

export const DIRECTORY_USERNAME_MAX = 128;
export const DIRECTORY_PASSWORD_MAX = 1024;
const ROLE_ORDER: readonly TDirectoryRole[] = ['employee', 'approver', 'hotline', 'it-manager', 'admin'];
const CONTROL_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const INVALID = { ok: false, reason: 'invalid_credentials' } as const;
const DISABLED = { ok: false, reason: 'disabled' } as const;
const UNAVAILABLE = { ok: false, reason: 'unavailable' } as const;
const DEADLINE_FACTOR = 4;

// LDAP result codes (RFC 4511) used below; compared by number so a second copy of ldapts cannot break instanceof.
const LDAP_CONFIDENTIALITY_REQUIRED = 13;
const LDAP_NO_SUCH_OBJECT = 32;
const LDAP_INAPPROPRIATE_AUTH = 48;
const LDAP_INVALID_CREDENTIALS = 49;

/** The trimmed username, or null when it must not reach the directory. */
export function normaliseDirectoryUsername(username: unknown): string | null {
  if (typeof username !== 'string' || CONTROL_CHARS.test(username)) return null;
  const trimmed = username.trim();
  return trimmed && trimmed.length <= DIRECTORY_USERNAME_MAX ? trimmed : null;
}

/** False for missing, empty, whitespace-only, over-long or NUL-containing passwords. */
export function isUsableDirectoryPassword(password: unknown): password is string {
  return (
    typeof password === 'string' &&
    password.trim().length > 0 &&
    password.length <= DIRECTORY_PASSWORD_MAX &&
    !password.includes('\0')
  );
}

export async function authenticateWithDirectory(
  config: TDirectoryAuthConfig,
  username: string,
  password: string,
): Promise<TDirectoryAuthResult> {
  const login = normaliseDirectoryUsername(username);
  if (login === null || !isUsableDirectoryPassword(password)) return INVALID;
  if (!isUsableConfig(config)) return UNAVAILABLE;
  return withSession<TDirectoryAuthResult>(config, () => UNAVAILABLE, async (session) => {
    const service = await session.open();
    await service.bind(config.bindDn, config.bindPassword);
    const entry = await findUser(service, config, login);
    if (!entry) return INVALID;
    if (!(await passwordMatches(await session.open(), entry.dn, password))) return INVALID;
    if (isDisabled(config, entry)) return DISABLED;
    const roles = await resolveRoles(service, config, entry);
    return { ok: true, user: toUser(config, entry, login, roles) };
  });
}

/** Service bind + base search of userBaseDn (and groupBaseDn when set), for a settings page. */
export async function testDirectoryConnection(config: TDirectoryAuthConfig): Promise<TDirectoryConnectionResult> {
  if (!isUsableConfig(config)) return { ok: false, reason: 'misconfigured' };
  const usesTls = config.startTls || /^ldaps:\/\//i.test(config.url);
  let stage: TStage = 'connect';
  const onError = (error: unknown) => classifyFailure(error, stage, usesTls);
  return withSession<TDirectoryConnectionResult>(config, onError, async (session) => {
    const client = await session.open();
    stage = 'bind';
    await client.bind(config.bindDn, config.bindPassword);
    stage = 'search';
    for (const base of [config.userBaseDn, config.groupBaseDn]) {
      if (base) await client.search(base, { scope: 'base', attributes: ['1.1'], sizeLimit: 1 });
    }
    return { ok: true };
  });
}

/** An empty service password would be an anonymous bind; a zero/NaN timeout would mean "wait forever". */
function isUsableConfig(config: TDirectoryAuthConfig): boolean {
  return (
    Boolean(config.url && config.bindDn && config.bindPassword && config.userBaseDn) &&
    Number.isFinite(config.timeoutMs) &&
    config.timeoutMs > 0
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Connections

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

interface TSession {
  open(): Promise<Client>;
}

/**
 * Runs `work` with connections that are all closed afterwards (also when the deadline fires first, and again when
 * late work settles, so nothing leaks). Any error or the deadline maps through `onError`.
 */
async function withSession<T>(
  config: TDirectoryAuthConfig,
  onError: (error: unknown) => T,
  work: (session: TSession) => Promise<T>,
): Promise<T> {
  const clients: Client[] = [];
  let aborted = false;
  const closeAll = () => Promise.allSettled(clients.map((c) => c.unbind()));
  const session: TSession = {
    async open() {
      if (aborted) throw new DeadlineError('sign-in deadline passed');
      const client = await openClient(config, clients);
      if (aborted) throw new DeadlineError('sign-in deadline passed');
      return client;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onError(new DeadlineError('timed out'))), config.timeoutMs * DEADLINE_FACTOR);
  });
  const running = work(session).catch(onError);
  try {
    return await Promise.race([running, deadline]);
  } finally {
    aborted = true;
    clearTimeout(timer);
    void running.finally(closeAll);
    await closeAll();
  }
}

/** The connection code is shared with directory sync (workers/src/directory/connection.ts). */
async function openClient(config: TDirectoryAuthConfig, registry: Client[]): Promise<Client> {
  const client = await openDirectoryClient(config);
  registry.push(client);
  return client;
}

// ---------------------------------------------------------------------------------------------------------------
// Directory lookups

function loginAttribute(profile: TDirectoryProfile): string {
  return profile === 'ad' ? 'sAMAccountName' : 'uid';
}

function userFilter(config: TDirectoryAuthConfig, login: string): Filter {
  // EqualityFilter sends the value as a BER octet string: `*`, `(`, `)` and `\` are data, not syntax.
  const byLogin = new EqualityFilter({ attribute: loginAttribute(config.profile), value: login });
  const extra = config.userFilter?.trim();
  return extra ? new AndFilter({ filters: [byLogin, FilterParser.parseString(extra)] }) : byLogin;
}

async function findUser(service: Client, config: TDirectoryAuthConfig, login: string): Promise<Entry | null> {
  const attributes = [loginAttribute(config.profile), 'cn', 'displayName', 'mail', 'memberOf'];
  attributes.push(config.profile === 'ad' ? 'userAccountControl' : (config.disabledAttribute ?? 'employeeType'));
  const { searchEntries } = await service.search(config.userBaseDn, {
    scope: 'sub',
    filter: userFilter(config, login),
    sizeLimit: 2, // 2, not 1: an ambiguous login must be seen (and refused), not silently take the first match
    timeLimit: Math.max(1, Math.ceil(config.timeoutMs / 1000)),
    attributes,
  });
  const [only] = searchEntries;
  return searchEntries.length === 1 && only && only.dn ? only : null;
}

/** Binds as the user on its own connection. Wrong password → false; anything else propagates (→ unavailable). */
async function passwordMatches(client: Client, dn: string, password: string): Promise<boolean> {
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    const code = ldapCode(error);
    if (code === LDAP_INVALID_CREDENTIALS || code === LDAP_INAPPROPRIATE_AUTH) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function isDisabled(config: TDirectoryAuthConfig, entry: Entry): boolean {
  if (config.profile === 'ad') {
    const uac = Number(attributeValues(entry, 'userAccountControl')[0]);
    return !Number.isSafeInteger(uac) || (uac & 0x2) === 0x2;
  }
  const marker = (config.disabledValue ?? 'disabled').toLowerCase();
  return attributeValues(entry, config.disabledAttribute ?? 'employeeType').some((v) => v.toLowerCase() === marker);
}

async function resolveRoles(service: Client, config: TDirectoryAuthConfig, entry: Entry): Promise<string[]> {
  const groupDns =
    config.profile === 'openldap' && config.groupBaseDn
      ? await memberGroups(service, config.groupBaseDn, entry.dn)
      : attributeValues(entry, 'memberOf');
  const roleByGroup = new Map(Object.entries(config.groupRoles).map(([dn, role]) => [normaliseDn(dn), role]));
  const roles = new Set<TDirectoryRole>(['employee']);
  for (const dn of groupDns) {
    const role = roleByGroup.get(normaliseDn(dn));
    if (role && ROLE_ORDER.includes(role)) roles.add(role);
  }
  return ROLE_ORDER.filter((role) => roles.has(role));
}

async function memberGroups(service: Client, groupBaseDn: string, userDn: string): Promise<string[]> {
  const filter = new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectClass', value: 'groupOfNames' }),
      new EqualityFilter({ attribute: 'member', value: userDn }),
    ],
  });
  const { searchEntries } = await service.search(groupBaseDn, {
    scope: 'sub',
    filter,
    attributes: ['1.1'],
    paged: { pageSize: 500 },
  });
  return searchEntries.map((e) => e.dn);
}

function toUser(config: TDirectoryAuthConfig, entry: Entry, login: string, roles: string[]) {
  const id = cleanText(attributeValues(entry, loginAttribute(config.profile))[0] ?? login, DIRECTORY_USERNAME_MAX);
  const name = attributeValues(entry, 'displayName')[0] ?? attributeValues(entry, 'cn')[0] ?? id;
  return {
    directoryId: id.toLowerCase(),
    dn: entry.dn,
    displayName: cleanText(name, 256) || id,
    email: cleanEmail(attributeValues(entry, 'mail')[0]),
    roles,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Values of an attribute, looked up case-insensitively (servers return their own spelling). */
function attributeValues(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k !== 'dn' && k.toLowerCase() === wanted);
  const raw = key === undefined ? [] : entry[key];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** Directory attributes are untrusted: no control characters, collapsed spaces, bounded length. */
function cleanText(value: string, max: number): string {
  return value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

function cleanEmail(value: string | undefined): string | null {
  const email = value?.trim().toLowerCase();
  return email && email.length <= 254 && /^[^\s@<>"'(),;:\\]+@[^\s@<>"'(),;:\\]+\.[a-z]{2,}$/.test(email) ? email : null;
}

/** Lower-cases a DN and drops spaces around unescaped separators (`CN=A, OU=B` ≡ `cn=a,ou=b`). */
export function normaliseDn(dn: string): string {
  return dn
    .trim()
    .replace(/(?<!\\)\s*([,=+])\s*/g, '$1')
    .toLowerCase();
}

function ldapCode(error: unknown): number | string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? (error as { code?: number | string }).code
    : undefined;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
type TStage = 'connect' | 'bind' | 'search';

function classifyFailure(error: unknown, stage: TStage, usesTls: boolean): TDirectoryConnectionResult {
  const code = ldapCode(error);
  const detail = typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
  const message = error instanceof Error ? error.message : '';
  const fail = (reason: TDirectoryConnectionFailure) => ({ ok: false as const, reason, detail });
  if (code === 'ENOENT' || code === 'EACCES' || code === 'ERR_INVALID_URL' || /invalid LDAP URL/i.test(message)) {
    return fail('misconfigured');
  }
  if (error instanceof DeadlineError || /timed out|timeout/i.test(message)) return fail('timeout');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return fail('unreachable');
  if (code === LDAP_CONFIDENTIALITY_REQUIRED) return fail('tls');
  if (typeof code === 'string' && /CERT|TLS|SSL|SIGNATURE|ALTNAME|PROTO/i.test(code)) return fail('tls');
  // On the connect stage an LDAP result code can only come from the StartTLS extended operation being refused.
  if (stage === 'connect' && usesTls && (typeof code === 'number' || /tls|ssl|certificate|handshake/i.test(message))) {
    return fail('tls');
  }
  if (stage === 'bind' && (code === LDAP_INVALID_CREDENTIALS || code === LDAP_INAPPROPRIATE_AUTH)) {
    return fail('service_bind_rejected');
  }
  if (stage === 'search' && code === LDAP_NO_SUCH_OBJECT) return fail('base_not_found');
  return fail('unavailable');
}
