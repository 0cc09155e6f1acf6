import { and, count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZMe } from '../contract/auth.js';
import { ZError } from '../contract/common.js';
import { startTestApp, type TTestApp } from '../testing.js';

// Bodies are parsed with the wire contract, so every answer is also checked against its declared shape.
const meOf = async (res: Response) => ZMe.parse(await res.json());
const errorOf = async (res: Response) => ZError.parse(await res.json()).error;

const auditCount = async (t: TTestApp, action?: string) => {
  const [row] = await t.database.db
    .select({ n: count() })
    .from(schema.auditLog)
    .where(action ? eq(schema.auditLog.action, action) : undefined);
  return row!.n;
};
const sessionCount = async (t: TTestApp) => (await t.database.db.select({ n: count() }).from(schema.sessions))[0]!.n;

describe.each(testDatabaseKinds())('sign-in, sessions and CSRF on %s', (kind) => {
  let t: TTestApp;
  beforeAll(async () => {
    t = await startTestApp({ kind });
  });
  afterAll(() => t.close());

  it('signs in a local account: session cookie flags, CSRF token, audit row', async () => {
    const before = await auditCount(t, 'auth.login');
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'Hotline', password: 'demo-varco-2026' } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^varco_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure'); // plain http in this test; see the TLS case below
    const me = await meOf(res);
    expect(me).toMatchObject({ username: 'hotline', roles: expect.arrayContaining(['hotline']) });
    expect(me.permissions).toContain('employees:list');
    expect(me.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await auditCount(t, 'auth.login')).toBe(before + 1);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const res = await t.app.request('https://varco.test/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'demo-varco-2026' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it.each([
    ['wrong password', { username: 'hotline', password: 'nope' }],
    ['empty password', { username: 'hotline', password: '' }],
    ['whitespace password', { username: 'hotline', password: '   ' }],
    ['unknown user', { username: 'nobody-here', password: 'demo-varco-2026' }],
  ])('refuses a %s with the same 401 and no session or audit row', async (_label, body) => {
    const [audits, sessions] = [await auditCount(t), await sessionCount(t)];
    const res = await t.call('POST', '/api/auth/login', { body });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong username or password', requestId: expect.any(String) } });
    expect(await auditCount(t)).toBe(audits);
    expect(await sessionCount(t)).toBe(sessions);
  });

  it('answers 400 with a readable message for malformed input, and never echoes the password', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'x', password: 'secret-value', role: 'admin' } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('validation_failed');
    expect(text).not.toContain('secret-value');
    const broken = await t.call('POST', '/api/auth/login', { body: '{"username":' });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe('validation_failed');
  });

  it('throttles an account after repeated failures, with the same answer for unknown users', async () => {
    for (const username of ['itmanager', 'ghost-user']) {
      for (let i = 0; i < 5; i++) await t.call('POST', '/api/auth/login', { body: { username, password: 'bad' } });
      const res = await t.call('POST', '/api/auth/login', { body: { username, password: 'demo-varco-2026' } });
      expect(res.status).toBe(429);
      expect((await errorOf(res)).code).toBe('too_many_attempts');
    }
  });

  it('rotates the session at sign-in and deletes it at sign-out', async () => {
    const first = await t.login('dipendente');
    const res = await t.call('POST', '/api/auth/login', { session: first, body: { username: 'dipendente', password: 'demo-varco-2026' } });
    expect(res.status).toBe(200);
    const second = res.headers.get('set-cookie')!.split(';')[0]!;
    expect(second).not.toBe(first.cookie);
    expect((await t.call('GET', '/api/auth/session', { session: first })).status).toBe(401);
    const me = await meOf(res);
    const session = { cookie: second, csrfToken: me.csrfToken, me };
    expect((await t.call('GET', '/api/auth/session', { session })).status).toBe(200);
    const logout = await t.call('POST', '/api/auth/logout', { session, body: {} });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await t.call('GET', '/api/auth/session', { session })).status).toBe(401);
  });

  describe('CSRF on state-changing requests', () => {
    const change = { locale: 'en' };
    it.each([
      ['no X-CSRF-Token', { 'x-csrf-token': '' }, 403, 'csrf_failed'],
      ['a wrong X-CSRF-Token', { 'x-csrf-token': 'A'.repeat(43) }, 403, 'csrf_failed'],
      ['a foreign Origin', { origin: 'https://evil.example' }, 403, 'csrf_failed'],
      ['Content-Type text/plain', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['Content-Type form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
      ['Content-Type multipart', { 'content-type': 'multipart/form-data; boundary=x' }, 415, 'unsupported_media_type'],
      ['an odd JSON-ish Content-Type', { 'content-type': 'text/json' }, 415, 'unsupported_media_type'],
    ])('refuses %s: nothing changes, no audit row', async (_label, headers, status, code) => {
      const session = await t.login('responsabile');
      const audits = await auditCount(t);
      const res = await t.call('PUT', '/api/me/preferences', { session, body: change, headers });
      expect(res.status).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
      expect(await auditCount(t)).toBe(audits);
      const me = await meOf(await t.call('GET', '/api/auth/session', { session }));
      expect(me.locale).toBe('it');
    });

    it('refuses a body-less request without Content-Type (the Hono csrf() bypass)', async () => {
      const session = await t.login('responsabile');
      const res = await t.app.request('http://varco.test/api/auth/logout', {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      });
      expect(res.status).toBe(415);
      expect((await t.call('GET', '/api/auth/session', { session })).status).toBe(200);
    });

    it('accepts the right token and audits the change with before/after', async () => {
      const session = await t.login('responsabile');
      const res = await t.call('PUT', '/api/me/preferences', { session, body: change });
      expect(res.status).toBe(200);
      expect((await meOf(res)).locale).toBe('en');
      const [entry] = await t.database.db
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.action, 'user.set-locale'), eq(schema.auditLog.targetId, session.me.id)));
      expect(entry).toMatchObject({ actorUsername: 'responsabile', before: { locale: 'it' }, after: { locale: 'en' } });
      expect(entry!.requestId).toBeTruthy();
    });
  });
});
