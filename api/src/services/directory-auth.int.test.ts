/**
 * Directory sign-in against a real slapd (ops/src/testing/slapd.ts) loaded with 1,000 generated people.
 *
 * Decision tested here: a disabled account answers 'disabled' only with the right password; with a wrong password
 * it is 'invalid_credentials' like any other failure (no account-status oracle without the password).
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory, groupDn, type TDirectoryPerson } from '../../../ops/src/testing/directory-fixture.js';
import { freePort } from '../../../ops/src/testing/free-port.js';
import { startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import {
  authenticateWithDirectory,
  testDirectoryConnection,
  type TDirectoryAuthConfig,
  type TDirectoryRole,
} from './directory-auth.js';

const directory = generateDirectory(1000, { seed: 42 });
const { people } = directory;

const GROUP_ROLES: Record<string, TDirectoryRole> = {
  [groupDn('varco-admins')]: 'admin',
  [groupDn('varco-it-managers')]: 'it-manager',
  [groupDn('varco-hotline')]: 'hotline',
  // Spelled like AD would return it: the mapping is case- and space-insensitive.
  [groupDn('varco-approvers').toUpperCase().replace(/,/g, ', ')]: 'approver',
};
const ROLE_ORDER: TDirectoryRole[] = ['employee', 'approver', 'hotline', 'it-manager', 'admin'];

function expectedRoles(person: TDirectoryPerson): string[] {
  const byGroup: Record<string, TDirectoryRole> = {
    [groupDn('varco-admins')]: 'admin',
    [groupDn('varco-it-managers')]: 'it-manager',
    [groupDn('varco-hotline')]: 'hotline',
    [groupDn('varco-approvers')]: 'approver',
  };
  const roles = new Set<TDirectoryRole>(['employee', ...person.memberOf.map((g) => byGroup[g]!)]);
  return ROLE_ORDER.filter((r) => roles.has(r));
}

const active = (p: TDirectoryPerson) => !p.disabled;
const member = (group: string) => people.find((p) => active(p) && p.memberOf.includes(groupDn(group)))!;
const plain = people.find((p, i) => i > 30 && active(p) && p.memberOf.length === 0)!;
const disabledPerson = people.find((p) => p.disabled)!;

/** Every result and every secret, to prove at the end that no password ever shows up in a result. */
const seenResults: unknown[] = [];
const secrets = new Set<string>();
async function signIn(config: TDirectoryAuthConfig, username: string, password: string) {
  secrets.add(password).add(config.bindPassword);
  const result = await authenticateWithDirectory(config, username, password);
  seenResults.push(result);
  return result;
}

/** New log lines since `offset`, after a short pause so the server has flushed its last lines. */
async function logSince(path: string, offset: number): Promise<string> {
  await new Promise((r) => setTimeout(r, 150));
  return (await readFile(path, 'utf8')).slice(offset);
}
const logSize = async (path: string) => (await stat(path)).size;

describe('directory sign-in, OpenLDAP profile', () => {
  let slapd: TSlapd;
  let config: (over?: Partial<TDirectoryAuthConfig>) => TDirectoryAuthConfig;

  beforeAll(async () => {
    slapd = await startSlapd({ ...directory, flavour: 'openldap', tls: true });
    config = (over = {}) => ({
      url: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: slapd.servicePassword,
      userBaseDn: slapd.peopleDn,
      groupBaseDn: slapd.groupsDn,
      profile: 'openldap',
      userFilter: '(objectClass=inetOrgPerson)',
      groupRoles: GROUP_ROLES,
      startTls: false,
      timeoutMs: 3000,
      ...over,
    });
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('serves the fixture: service account sees everyone past the size limit, anonymous sees nobody', async () => {
    const svc = new Client({ url: slapd.url, timeout: 5000 });
    const anon = new Client({ url: slapd.url, timeout: 5000 });
    try {
      await svc.bind(slapd.serviceDn, slapd.servicePassword);
      const all = await svc.search(slapd.peopleDn, { filter: '(objectClass=inetOrgPerson)', attributes: ['userPassword'] });
      expect(all.searchEntries).toHaveLength(1000); // frontend olcSizeLimit is 500
      // ldapts lists a requested attribute the server withheld as []: nobody may read userPassword (auth only).
      expect(all.searchEntries.every((e) => (e['userPassword'] ?? []).length === 0)).toBe(true);
      const anonymous = await anon.search(slapd.peopleDn, { filter: '(uid=*)' }).catch((e: Error) => e);
      expect(anonymous instanceof Error ? [] : anonymous.searchEntries).toHaveLength(0);
    } finally {
      await svc.unbind();
      await anon.unbind();
    }
  });

  it('signs in with the right password and maps roles from groupOfNames', async () => {
    const result = await signIn(config(), plain.uid, plain.password);
    expect(result).toEqual({
      ok: true,
      user: { directoryId: plain.uid, dn: plain.dn, displayName: plain.displayName, email: plain.mail, roles: ['employee'] },
    });
    for (const person of ['varco-admins', 'varco-it-managers', 'varco-hotline', 'varco-approvers'].map(member)) {
      const r = await signIn(config(), person.uid, person.password);
      expect(r.ok && r.user.roles).toEqual(expectedRoles(person));
    }
    const accented = people.find((p) => active(p) && /[^\x20-\x7e]/.test(p.displayName))!; // stored base64 in LDIF
    const acc = await signIn(config(), accented.uid, accented.password);
    expect(acc.ok && acc.user.displayName).toBe(accented.displayName);
    const admin = await signIn(config(), member('varco-admins').uid.toUpperCase(), member('varco-admins').password);
    expect(admin.ok && admin.user.roles).toContain('admin');
    expect(admin.ok && admin.user.directoryId).toBe(member('varco-admins').uid);
  });

  it('uses memberOf when no groupBaseDn is configured (none on plain OpenLDAP → employee only)', async () => {
    const person = member('varco-admins');
    const r = await signIn(config({ groupBaseDn: undefined }), person.uid, person.password);
    expect(r.ok && r.user.roles).toEqual(['employee']);
  });

  it('refuses wrong, empty, whitespace and missing passwords', async () => {
    expect(await signIn(config(), plain.uid, 'wrong')).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(await signIn(config(), plain.uid, `${plain.password} `)).toMatchObject({ reason: 'invalid_credentials' });
    const before = await logSize(slapd.logPath);
    for (const pw of ['', ' ', '   ', '\t\n', '\u00a0', undefined, null] as unknown as string[]) {
      expect(await signIn(config(), plain.uid, pw)).toEqual({ ok: false, reason: 'invalid_credentials' });
    }
    expect(await logSince(slapd.logPath, before)).not.toContain('ACCEPT'); // never even connected
  });

  it('refuses unknown users, odd usernames and filter injection', async () => {
    const victim = people[40]!;
    expect(await signIn(config(), 'nobody-here', 'whatever')).toMatchObject({ reason: 'invalid_credentials' });
    const before = await logSize(slapd.logPath);
    for (const name of ['*', '*)(uid=*', 'admin)(|(uid=*', 'u00004*', `${victim.uid})(uid=*`, '*)(|(objectClass=*))', '\\2a']) {
      expect(await signIn(config(), name, victim.password)).toEqual({ ok: false, reason: 'invalid_credentials' });
    }
    const log = await logSince(slapd.logPath, before);
    expect(log).toMatch(/filter="\(&\(uid=\\2a\)\(objectClass=inetOrgPerson\)\)"/i); // `*` arrived as data
    expect(log).not.toContain(`BIND dn="${victim.dn}"`);
    const offline = await logSize(slapd.logPath);
    for (const name of ['', '   ', 'u000041\u0000', 'u000041\n', 'u0000\u200b41', 'x'.repeat(129)]) {
      expect(await signIn(config(), name, victim.password)).toEqual({ ok: false, reason: 'invalid_credentials' });
    }
    expect(await logSince(slapd.logPath, offline)).not.toContain('ACCEPT');
  });

  it("answers 'disabled' only to the right password (employeeType: disabled)", async () => {
    expect(await signIn(config(), disabledPerson.uid, disabledPerson.password)).toEqual({ ok: false, reason: 'disabled' });
    expect(await signIn(config(), disabledPerson.uid, 'wrong')).toEqual({ ok: false, reason: 'invalid_credentials' });
    const custom = config({ disabledAttribute: 'title', disabledValue: plain.title });
    expect(await signIn(custom, plain.uid, plain.password)).toMatchObject({ reason: 'disabled' });
  });

  it('binds as the found DN on a separate connection from the service account', async () => {
    const before = await logSize(slapd.logPath);
    await signIn(config(), plain.uid, plain.password);
    const log = await logSince(slapd.logPath, before);
    const conn = (re: RegExp) => log.match(re)?.[1];
    const serviceConn = conn(new RegExp(`conn=(\\d+) op=\\d+ BIND dn="${slapd.serviceDn}"`));
    const userConn = conn(new RegExp(`conn=(\\d+) op=\\d+ BIND dn="${plain.dn}" method=128`));
    expect(serviceConn).toBeDefined();
    expect(userConn).toBeDefined();
    expect(userConn).not.toBe(serviceConn);
    expect(log).toMatch(new RegExp(`conn=${userConn} op=0 BIND dn="${plain.dn}" mech=SIMPLE`));
  });

  it('supports StartTLS and ldaps:// with caFile, and refuses an untrusted certificate', async () => {
    const tls = { startTls: true, caFile: slapd.caFile };
    expect(await signIn(config(tls), plain.uid, plain.password)).toMatchObject({ ok: true });
    expect(await signIn(config({ url: slapd.ldapsUrl!, caFile: slapd.caFile }), plain.uid, plain.password)).toMatchObject({ ok: true });
    const byName = slapd.ldapsUrl!.replace('127.0.0.1', 'localhost');
    expect(await signIn(config({ url: byName, caFile: slapd.caFile }), plain.uid, plain.password)).toMatchObject({ ok: true });
    expect(await signIn(config({ startTls: true }), plain.uid, plain.password)).toEqual({ ok: false, reason: 'unavailable' });
    expect(await testDirectoryConnection(config({ startTls: true }))).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('tests the connection for the settings page', async () => {
    expect(await testDirectoryConnection(config())).toEqual({ ok: true });
    expect(await testDirectoryConnection(config({ startTls: true, caFile: slapd.caFile }))).toEqual({ ok: true });
    expect(await testDirectoryConnection(config({ bindPassword: 'not-it' }))).toMatchObject({ reason: 'service_bind_rejected' });
    expect(await testDirectoryConnection(config({ userBaseDn: `ou=nope,${slapd.baseDn}` }))).toMatchObject({ reason: 'base_not_found' });
    expect(await testDirectoryConnection(config({ bindPassword: '' }))).toMatchObject({ reason: 'misconfigured' });
    expect(await testDirectoryConnection(config({ timeoutMs: 0 }))).toMatchObject({ reason: 'misconfigured' });
    expect(await signIn(config({ bindPassword: '' }), plain.uid, plain.password)).toMatchObject({ reason: 'unavailable' });
    expect(await testDirectoryConnection(config({ caFile: '/nonexistent/ca.pem', startTls: true }))).toMatchObject({ reason: 'misconfigured' });
    expect(await signIn(config({ bindPassword: 'not-it' }), plain.uid, plain.password)).toMatchObject({ reason: 'unavailable' });
  });

  it('never writes a password to the server log', async () => {
    const log = await readFile(slapd.logPath, 'utf8');
    for (const secret of [plain.password, member('varco-admins').password, slapd.servicePassword, 'not-it']) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('directory sign-in, Active Directory profile (emulated, bind_anon_dn on)', () => {
  let slapd: TSlapd;
  let config: (over?: Partial<TDirectoryAuthConfig>) => TDirectoryAuthConfig;

  beforeAll(async () => {
    slapd = await startSlapd({ ...directory, flavour: 'ad', allowAnonDnBind: true });
    config = (over = {}) => ({
      url: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: slapd.servicePassword,
      userBaseDn: slapd.peopleDn,
      groupBaseDn: slapd.groupsDn, // ignored by the AD profile: roles come from memberOf
      profile: 'ad',
      groupRoles: GROUP_ROLES,
      startTls: false,
      timeoutMs: 3000,
      ...over,
    });
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('the trap is real here: DN + empty password binds (as anonymous) and the log records it', async () => {
    const before = await logSize(slapd.logPath);
    const raw = new Client({ url: slapd.url, timeout: 3000 });
    try {
      await expect(raw.bind(plain.dn, '')).resolves.toBeUndefined();
    } finally {
      await raw.unbind();
    }
    const log = await logSince(slapd.logPath, before);
    expect(log).toMatch(new RegExp(`BIND dn="${plain.dn}" method=128[\\s\\S]*RESULT tag=97 err=0`));
  });

  it('an empty password still fails and the server never sees a BIND for that DN', async () => {
    for (const pw of ['', '  ']) {
      const before = await logSize(slapd.logPath);
      expect(await signIn(config(), plain.sAMAccountName, pw)).toEqual({ ok: false, reason: 'invalid_credentials' });
      const log = await logSince(slapd.logPath, before);
      expect(log).not.toContain(`BIND dn="${plain.dn}"`);
      expect(log).not.toContain('ACCEPT');
    }
  });

  it('logs in by sAMAccountName (not uid), maps memberOf to roles', async () => {
    const r = await signIn(config(), plain.sAMAccountName, plain.password);
    expect(r).toEqual({
      ok: true,
      user: { directoryId: plain.sAMAccountName, dn: plain.dn, displayName: plain.displayName, email: plain.mail, roles: ['employee'] },
    });
    expect(await signIn(config(), plain.uid, plain.password)).toMatchObject({ reason: 'invalid_credentials' });
    for (const person of ['varco-admins', 'varco-it-managers', 'varco-hotline', 'varco-approvers'].map(member)) {
      const res = await signIn(config(), person.sAMAccountName, person.password);
      expect(res.ok && res.user.roles).toEqual(expectedRoles(person));
    }
  });

  it('userAccountControl 514 is disabled (with the right password), 512 is not', async () => {
    expect(await signIn(config(), disabledPerson.sAMAccountName, disabledPerson.password)).toEqual({ ok: false, reason: 'disabled' });
    expect(await signIn(config(), disabledPerson.sAMAccountName, 'wrong')).toEqual({ ok: false, reason: 'invalid_credentials' });
  });

  it('refuses injection in sAMAccountName', async () => {
    for (const name of ['*', '*)(sAMAccountName=*', 'admin)(|(sAMAccountName=*', `${plain.sAMAccountName.slice(0, 3)}*`]) {
      expect(await signIn(config(), name, plain.password)).toEqual({ ok: false, reason: 'invalid_credentials' });
    }
  });
});

describe('directory sign-in, server unavailable', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let silentPort: number;
  const config = (url: string): TDirectoryAuthConfig => ({
    url,
    bindDn: 'cn=varco-svc,ou=system,dc=comune,dc=prato,dc=it',
    bindPassword: 'service-secret-123',
    userBaseDn: 'ou=people,dc=comune,dc=prato,dc=it',
    profile: 'openldap',
    groupRoles: {},
    startTls: false,
    timeoutMs: 400,
  });

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("returns 'unavailable' quickly when nothing listens", async () => {
    const url = `ldap://127.0.0.1:${await freePort()}`;
    const started = performance.now();
    expect(await signIn(config(url), 'u000001', 'pw-u000001')).toEqual({ ok: false, reason: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await testDirectoryConnection(config(url))).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it("returns 'unavailable' within the timeout when the server never answers (also during StartTLS)", async () => {
    const url = `ldap://127.0.0.1:${silentPort}`;
    for (const cfg of [config(url), { ...config(url), startTls: true }]) {
      const started = performance.now();
      expect(await signIn(cfg, 'u000001', 'pw-u000001')).toEqual({ ok: false, reason: 'unavailable' });
      expect(performance.now() - started).toBeLessThan(4 * cfg.timeoutMs + 500);
    }
    expect(await testDirectoryConnection(config(url))).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it("ldaps:// to a server that never completes the handshake is 'unavailable' too", async () => {
    const started = performance.now();
    expect(await signIn(config(`ldaps://127.0.0.1:${silentPort}`), 'u000001', 'pw-u000001')).toMatchObject({ reason: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(2100);
  });
});

describe('secrets', () => {
  it('no password or service password appears in any result', () => {
    expect(seenResults.length).toBeGreaterThan(40);
    const serialised = JSON.stringify(seenResults);
    for (const secret of secrets) {
      if (secret && secret.trim().length >= 4) expect(serialised).not.toContain(secret);
    }
  });
});
