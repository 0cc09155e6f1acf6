import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditPage } from '../contract/audit.js';
import { ZError } from '../contract/common.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';

describe('audit log API', () => {
  let t: TTestApp;
  let admin: TTestSession;
  const page = async (query: string) => {
    const res = await t.call('GET', `/api/audit${query}`, { session: admin });
    expect(res.status).toBe(200);
    return ZAuditPage.parse(await res.json());
  };

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite' });
    await t.login('dipendente');
    await t.login('hotline');
    admin = await t.login('admin');
    await t.call('PUT', '/api/me/preferences', { session: admin, body: { locale: 'en' } });
  });
  afterAll(() => t.close());

  it('lists newest first with actor, role, target and request id', async () => {
    const all = await page('');
    expect(all.total).toBeGreaterThanOrEqual(4);
    expect(all.items[0]).toMatchObject({ action: 'user.set-locale', actor: { username: 'admin' }, actorRole: 'admin', before: { locale: 'it' }, after: { locale: 'en' } });
    expect(all.items[0]!.requestId).toBeTruthy();
    const times = all.items.map((item) => item.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by actor, action, target and time window', async () => {
    expect((await page('?actor=hotline')).items.every((item) => item.actor?.username === 'hotline')).toBe(true);
    const logins = await page('?action=auth.login');
    expect(logins.total).toBe(3);
    expect((await page(`?targetType=user&targetId=${admin.me.id}`)).items.every((item) => item.targetId === admin.me.id)).toBe(true);
    expect((await page('?from=2999-01-01T00:00:00Z')).items).toEqual([]);
    expect((await page('?to=2000-01-01T00:00:00Z')).total).toBe(0);
  });

  it('refuses malformed filters with a readable 400', async () => {
    const res = await t.call('GET', '/api/audit?from=yesterday', { session: admin });
    expect(res.status).toBe(400);
    expect(ZError.parse(await res.json()).error.message).toContain('from');
  });
});
