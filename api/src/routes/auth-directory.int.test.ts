import { readFile } from 'node:fs/promises';
import { count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory, groupDn } from '../../../ops/src/testing/directory-fixture.js';
import { startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import { ZError } from '../contract/common.js';
import { ZMe } from '../contract/auth.js';
import { startTestApp, type TTestApp } from '../testing.js';

// Sign-in through the HTTP API against a real slapd that behaves like Active Directory about empty passwords
// (olcAllows: bind_anon_dn — a DN with an empty password "succeeds" as anonymous).
const directory = generateDirectory(300, { seed: 7 });
const person = directory.people.find((p, i) => i > 30 && !p.disabled && p.memberOf.includes(groupDn('varco-hotline')))!;
const disabled = directory.people.find((p) => p.disabled)!;

describe('directory sign-in through the API (real slapd)', () => {
  let slapd: TSlapd;
  let t: TTestApp;
  const sessions = async () => (await t.database.db.select({ n: count() }).from(schema.sessions))[0]!.n;

  beforeAll(async () => {
    slapd = await startSlapd({ ...directory, flavour: 'openldap', allowAnonDnBind: true });
    t = await startTestApp({
      kind: 'pglite',
      config: {
        directory: {
          url: slapd.url,
          bindDn: slapd.serviceDn,
          bindPassword: slapd.servicePassword,
          userBaseDn: slapd.peopleDn,
          groupBaseDn: slapd.groupsDn,
          profile: 'openldap',
          userFilter: '(objectClass=inetOrgPerson)',
          groupRoles: { [groupDn('varco-hotline')]: 'hotline' },
          startTls: false,
          timeoutMs: 3000,
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  it('signs in with the right password and maps groups to roles', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: person.uid, password: person.password } });
    expect(res.status).toBe(200);
    const me = ZMe.parse(await res.json());
    expect(me.roles).toEqual(['employee', 'hotline']);
    expect(me.permissions).toContain('employees:list');
    const [user] = await t.database.db.select().from(schema.users).where(eq(schema.users.username, person.uid));
    expect(user).toMatchObject({ source: 'directory', passwordHash: null });
  });

  it.each([
    ['a wrong password', () => ({ username: person.uid, password: 'wrong' })],
    ['an empty password', () => ({ username: person.uid, password: '' })],
    ['a whitespace password', () => ({ username: person.uid, password: '  ' })],
    ['a filter-injection username', () => ({ username: '*)(uid=*', password: person.password })],
    ['a wildcard username', () => ({ username: '*', password: person.password })],
    ['a disabled account', () => ({ username: disabled.uid, password: disabled.password })],
  ])('refuses %s with 401 and creates no session', async (_label, body) => {
    const before = await sessions();
    const res = await t.call('POST', '/api/auth/login', { body: body() });
    expect(res.status).toBe(401);
    expect(ZError.parse(await res.json()).error.code).toBe('invalid_credentials');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await sessions()).toBe(before);
  });

  it('never lets the server see a bind for an empty password (no anonymous-bind success)', async () => {
    const logBefore = (await readFile(slapd.logPath, 'utf8')).length;
    const res = await t.call('POST', '/api/auth/login', { body: { username: person.uid, password: '' } });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 150));
    const log = (await readFile(slapd.logPath, 'utf8')).slice(logBefore);
    // Refused before any connection: the server saw no BIND at all, so it could not answer one with success.
    expect(log).not.toContain('BIND');
    expect(log).not.toContain(person.dn);
    // Control: the log does capture binds — a real sign-in shows the user's DN binding.
    await t.call('POST', '/api/auth/login', { body: { username: person.uid, password: person.password } });
    await new Promise((r) => setTimeout(r, 150));
    expect((await readFile(slapd.logPath, 'utf8')).slice(logBefore).toLowerCase()).toContain(`bind dn="${person.dn.toLowerCase()}"`);
  });

  it('answers 503 when the directory is unreachable', async () => {
    const down = await startTestApp({
      kind: 'pglite',
      config: { directory: { url: 'ldap://127.0.0.1:1', bindDn: 'cn=x', bindPassword: 'x', userBaseDn: 'ou=people', profile: 'openldap', groupRoles: {}, startTls: false, timeoutMs: 500 } },
    });
    try {
      const res = await down.call('POST', '/api/auth/login', { body: { username: 'someone', password: 'secret-pw' } });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(ZError.parse(JSON.parse(text)).error.code).toBe('unavailable');
      expect(text).not.toContain('secret-pw');
    } finally {
      await down.close();
    }
  });
});
