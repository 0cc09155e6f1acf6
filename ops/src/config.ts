import { readFileSync } from 'node:fs';
import type { TAppConfig, TDirectoryAuthConfig, TEnv } from '@varco/api';
import { DEFAULT_SYNC_SCHEDULE, parseDirectorySyncConfig, type TDirectorySyncSettings } from '@varco/workers';

type TRole = TDirectoryAuthConfig['groupRoles'][string];
const ROLES = new Set(['employee', 'approver', 'hotline', 'it-manager', 'admin']);

/** `cn=varco-hotline,ou=groups,dc=x=hotline;cn=…=admin` → { dn: role }. The role follows the DN's last "=". */
export function parseGroupRoles(text: string | undefined): Record<string, TRole> {
  const map: Record<string, TRole> = {};
  for (const entry of (text ?? '').split(';').map((part) => part.trim()).filter(Boolean)) {
    const cut = entry.lastIndexOf('=');
    const dn = entry.slice(0, cut).trim();
    const role = entry.slice(cut + 1).trim();
    if (cut <= 0 || !dn.includes('=') || !ROLES.has(role)) {
      throw new Error(`LDAP_GROUP_ROLES: "${entry}" is not "<group DN>=<role>" with a role among ${[...ROLES].join(', ')}`);
    }
    map[dn.toLowerCase()] = role as TRole;
  }
  return map;
}

function readSecret(file: string | undefined, inline: string | undefined, name: string): string {
  if (file) {
    const value = readFileSync(file, 'utf8').trim();
    if (!value) throw new Error(`${name}: the file ${file} is empty`);
    return value;
  }
  if (!inline) throw new Error(`${name} is not set`);
  return inline;
}

export function directoryConfigOf(env: TEnv): TDirectoryAuthConfig | null {
  if (!env.LDAP_URL) return null;
  return {
    url: env.LDAP_URL,
    profile: env.LDAP_PROFILE,
    bindDn: env.LDAP_BIND_DN!,
    bindPassword: readSecret(env.LDAP_BIND_PASSWORD_FILE, env.LDAP_BIND_PASSWORD, 'LDAP_BIND_PASSWORD_FILE'),
    userBaseDn: env.LDAP_USER_BASE_DN!,
    groupBaseDn: env.LDAP_GROUP_BASE_DN,
    userFilter: env.LDAP_USER_FILTER,
    groupRoles: parseGroupRoles(env.LDAP_GROUP_ROLES),
    startTls: env.LDAP_STARTTLS,
    caFile: env.LDAP_CA_FILE,
    timeoutMs: env.LDAP_TIMEOUT_MS,
    disabledAttribute: env.LDAP_DISABLED_ATTRIBUTE,
    disabledValue: env.LDAP_DISABLED_VALUE,
  };
}

/**
 * Directory sync settings (null without LDAP_URL and a base DN). The sync reads with the sign-in service account;
 * LDAP_SYNC_BASE_DN defaults to LDAP_USER_BASE_DN. Checked here, at start: a filter that does not parse or a page
 * size over 1000 stops the process with a sentence, not the first run at 2 a.m.
 */
export function directorySyncOf(env: TEnv): TDirectorySyncSettings | null {
  const baseDn = env.LDAP_SYNC_BASE_DN ?? env.LDAP_USER_BASE_DN;
  if (!env.LDAP_URL || !env.LDAP_BIND_DN || !baseDn) return null;
  let config: TDirectorySyncSettings['config'];
  try {
    config = parseDirectorySyncConfig({
      url: env.LDAP_URL,
      profile: env.LDAP_PROFILE,
      bindDn: env.LDAP_BIND_DN,
      bindPassword: readSecret(env.LDAP_BIND_PASSWORD_FILE, env.LDAP_BIND_PASSWORD, 'LDAP_BIND_PASSWORD_FILE'),
      baseDn,
      ...(env.LDAP_SYNC_FILTER ? { filter: env.LDAP_SYNC_FILTER } : {}),
      pageSize: env.LDAP_SYNC_PAGE_SIZE,
      startTls: env.LDAP_STARTTLS,
      ...(env.LDAP_CA_FILE ? { caFile: env.LDAP_CA_FILE } : {}),
      // Sign-in allows shorter timeouts; a sync page gets at least a second.
      timeoutMs: Math.max(1000, env.LDAP_TIMEOUT_MS),
      ...(env.LDAP_PROFILE === 'openldap' ? { disabledMarker: { attribute: env.LDAP_DISABLED_ATTRIBUTE, value: env.LDAP_DISABLED_VALUE } } : {}),
    });
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    if (!issues) throw err;
    // Never the values: the password is among them.
    throw new Error(`directory sync settings are not valid — ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { cause: err });
  }
  return {
    enabled: env.LDAP_SYNC_ENABLED,
    directoryKey: 'main',
    config,
    limits: { maxDisablePercent: env.LDAP_SYNC_MAX_DISABLE_PERCENT, maxDisableCount: env.LDAP_SYNC_MAX_DISABLE_COUNT },
    schedule: { pattern: env.LDAP_SYNC_SCHEDULE, timezone: DEFAULT_SYNC_SCHEDULE.timezone },
  };
}

export function appConfigOf(env: TEnv): TAppConfig {
  return {
    publicUrl: env.PUBLIC_URL ?? null,
    trustProxy: env.TRUST_PROXY,
    session: {
      idleTimeoutMs: env.SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
    },
    loginThrottle: {
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: env.LOGIN_WINDOW_MINUTES * 60,
    },
    directory: directoryConfigOf(env),
    hrConfirmsVpn: env.WORKFLOW_HR_CONFIRMS_VPN,
    slaHours: Object.fromEntries(env.SLA_HOURS.split(';').map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])])),
    directorySync: directorySyncOf(env),
  };
}
