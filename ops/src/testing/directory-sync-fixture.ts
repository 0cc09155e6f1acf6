/**
 * Helpers for directory sync tests and the sync benchmark: the reference data a generated directory needs (the 23
 * services, the fixture's job profiles), worker settings pointing at a test slapd, and LDAP changes made as the
 * directory administrator between runs.
 */
import { newId, schema, type Db } from '@varco/db';
import { parseDirectorySyncConfig, type TDirectorySyncConfigInput, type TDirectorySyncSettings } from '@varco/workers';
import { Attribute, Change, Client } from 'ldapts';
import { SERVICE_CODES } from './directory-fixture.js';
import type { TSlapd } from './slapd.js';

/** Profiles of directory-fixture.ts; the ones Annex 1 keeps out of remote work are `remoteAllowed: false`. */
export const FIXTURE_JOB_PROFILES: readonly { name: string; remoteAllowed: boolean }[] = [
  { name: 'Dirigente', remoteAllowed: true },
  { name: 'Istruttore Amministrativo', remoteAllowed: true },
  { name: 'Funzionario amministrativo', remoteAllowed: true },
  { name: 'Collaboratore amministrativo', remoteAllowed: true },
  { name: 'Istruttore tecnico', remoteAllowed: true },
  { name: 'Funzionario tecnico', remoteAllowed: true },
  { name: 'Istruttore informatico', remoteAllowed: true },
  { name: 'Funzionario informatico', remoteAllowed: true },
  { name: 'Agente Polizia Municipale', remoteAllowed: false },
  { name: 'Ausiliare del traffico', remoteAllowed: false },
  { name: 'Ispettore Polizia Municipale', remoteAllowed: false },
  { name: 'Educatore', remoteAllowed: false },
  { name: 'Cuoco', remoteAllowed: false },
  { name: 'Addetto ai servizi vari', remoteAllowed: false },
  { name: 'Operatore di base', remoteAllowed: false },
];

/** Services and job profiles for an empty database (no employees); rows that exist already are kept. */
export async function seedSyncReferenceData(db: Db): Promise<void> {
  await db
    .insert(schema.services)
    .values(SERVICE_CODES.map((code) => ({ id: newId('service'), code, name: `Servizio ${code}` })))
    .onConflictDoNothing();
  await db
    .insert(schema.jobProfiles)
    .values(FIXTURE_JOB_PROFILES.map((p) => ({ name: p.name, remoteAllowed: p.remoteAllowed })))
    .onConflictDoNothing();
}

export function syncSettingsFor(
  slapd: TSlapd,
  over: Partial<TDirectorySyncConfigInput> = {},
  settings: Partial<Omit<TDirectorySyncSettings, 'config'>> = {},
): TDirectorySyncSettings {
  return {
    enabled: true,
    directoryKey: 'main',
    limits: { maxDisablePercent: 5, maxDisableCount: 50 },
    schedule: { pattern: '0 2 * * *', timezone: 'Europe/Rome' },
    ...settings,
    config: parseDirectorySyncConfig({
      url: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: slapd.servicePassword,
      baseDn: slapd.peopleDn,
      profile: 'openldap',
      pageSize: 200,
      timeoutMs: 5000,
      ...over,
    }),
  };
}

/** Runs `work` bound as the directory administrator (or `cn=config` for configuration changes). */
export async function asDirectoryAdmin<T>(slapd: TSlapd, work: (client: Client) => Promise<T>, bindDn = slapd.adminDn): Promise<T> {
  const client = new Client({ url: slapd.url, timeout: 10_000 });
  try {
    await client.bind(bindDn, slapd.adminPassword);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

export function replaceAttribute(client: Client, dn: string, type: string, values: string[]) {
  return client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
}

/** The service account's olcLimits, changed live through cn=config (e.g. 'size.soft=500 size.hard=500'). */
export function setServiceLimits(slapd: TSlapd, limits: string) {
  return asDirectoryAdmin(
    slapd,
    (client) => replaceAttribute(client, 'olcDatabase={1}mdb,cn=config', 'olcLimits', [`dn.exact="${slapd.serviceDn}" ${limits}`]),
    'cn=config',
  );
}
