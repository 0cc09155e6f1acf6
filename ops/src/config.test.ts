import { parseEnv } from '@varco/api';
import { describe, expect, it } from 'vitest';
import { directorySyncOf } from './config.js';

const BASE = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  LDAP_URL: 'ldaps://dc1.comune.prato.it',
  LDAP_PROFILE: 'ad',
  LDAP_BIND_DN: 'CN=svc-varco,OU=Servizi,DC=comune,DC=prato,DC=it',
  LDAP_BIND_PASSWORD: 'Very-Secret-42',
  LDAP_USER_BASE_DN: 'OU=Personale,DC=comune,DC=prato,DC=it',
};

function envOf(extra: Record<string, string> = {}) {
  const parsed = parseEnv({ ...BASE, ...extra });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.env;
}

describe('directory sync configuration from the environment', () => {
  it('defaults: off, nightly at 2 in Rome, 5 % / 50, pages of 500, the sign-in base and the profile filter', () => {
    expect(directorySyncOf(envOf())).toMatchObject({
      enabled: false,
      directoryKey: 'main',
      limits: { maxDisablePercent: 5, maxDisableCount: 50 },
      schedule: { pattern: '0 2 * * *', timezone: 'Europe/Rome' },
      config: { baseDn: BASE.LDAP_USER_BASE_DN, pageSize: 500, filter: '(&(objectCategory=person)(objectClass=user))', disabledMarker: null, timeoutMs: 5000 },
    });
  });

  it('takes the LDAP_SYNC_* variables', () => {
    const settings = directorySyncOf(
      envOf({
        LDAP_SYNC_ENABLED: 'true', LDAP_SYNC_BASE_DN: 'OU=Staff,DC=x', LDAP_SYNC_FILTER: '(objectClass=user)', LDAP_SYNC_PAGE_SIZE: '1000',
        LDAP_SYNC_SCHEDULE: '30 1 * * 1-5', LDAP_SYNC_MAX_DISABLE_PERCENT: '2.5', LDAP_SYNC_MAX_DISABLE_COUNT: '10',
      }),
    );
    expect(settings).toMatchObject({
      enabled: true, limits: { maxDisablePercent: 2.5, maxDisableCount: 10 }, schedule: { pattern: '30 1 * * 1-5' },
      config: { baseDn: 'OU=Staff,DC=x', filter: '(objectClass=user)', pageSize: 1000 },
    });
  });

  it('is off without a directory, and refuses to enable sync without one', () => {
    const parsed = parseEnv({ REDIS_URL: BASE.REDIS_URL });
    expect(parsed.ok && directorySyncOf(parsed.env)).toBeNull();
    expect(parseEnv({ REDIS_URL: BASE.REDIS_URL, LDAP_SYNC_ENABLED: 'true' })).toMatchObject({ ok: false, problems: ['LDAP_URL: is required when LDAP_SYNC_ENABLED is true'] });
    expect(parseEnv({ ...BASE, LDAP_SYNC_PAGE_SIZE: '5000' }).ok).toBe(false);
    expect(parseEnv({ ...BASE, LDAP_SYNC_SCHEDULE: 'every night' }).ok).toBe(false);
  });

  it('a filter that does not parse stops the start with a sentence that never contains the password', () => {
    let message = '';
    try {
      directorySyncOf(envOf({ LDAP_SYNC_FILTER: '(objectClass=user' }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^directory sync settings are not valid — filter: not a valid LDAP filter/);
    expect(message).not.toContain(BASE.LDAP_BIND_PASSWORD);
  });
});
