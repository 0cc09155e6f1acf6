import { eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZVpnProfile, ZVpnServer, ZVpnServerList } from '../contract/vpn.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';

describe('VPN profiles and gateways: delete only what nothing uses, audited, IT managers and admins only', () => {
  let t: TTestApp;
  let itmanager: TTestSession;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite' });
    itmanager = await t.login('itmanager');
  });
  afterAll(() => t?.close());

  it('a gateway goes before its profile; each deletion has its audit row', async () => {
    const profile = ZVpnProfile.parse(await (await t.call('POST', '/api/vpn/profiles', { session: itmanager, body: { code: 'prova', name: 'Prova', subnet: '10.99.0.0/24', routes: [], firewall: [] } })).json());
    const serverRes = await t.call('POST', '/api/vpn/servers', { session: itmanager, body: { name: 'gw-prova', host: 'gw-prova.example.it', port: 1194, protocol: 'udp', capacity: 10, profileId: profile.id } });
    expect(serverRes.status).toBe(201);
    const server = ZVpnServer.parse(await serverRes.json());

    const busy = await t.call('DELETE', `/api/vpn/profiles/${profile.id}`, { session: itmanager, body: {} });
    expect(busy.status).toBe(409);
    expect(ZError.parse(await busy.json()).error.message).toMatch(/1 gateways/);
    expect((await t.call('DELETE', `/api/vpn/servers/${server.id}`, { session: itmanager, body: {} })).status).toBe(204);
    expect((await t.call('DELETE', `/api/vpn/profiles/${profile.id}`, { session: itmanager, body: {} })).status).toBe(204);
    expect((await t.call('DELETE', `/api/vpn/profiles/${profile.id}`, { session: itmanager, body: {} })).status).toBe(404);

    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.actorUsername, 'itmanager'));
    expect(audit.filter((row) => row.action.endsWith('.delete')).map((row) => [row.action, row.targetId])).toEqual([
      ['vpn.server.delete', server.id],
      ['vpn.profile.delete', profile.id],
    ]);
  });

  it('a gateway with accounts stays (disable it instead)', async () => {
    const hotline = await t.login('hotline');
    const employee = (await t.database.db.select({ id: schema.employees.id }).from(schema.employees).where(eq(schema.employees.active, true)).limit(1))[0]!;
    expect((await t.call('POST', `/api/employees/${employee.id}/vpn`, { session: hotline, body: {} })).status).toBe(200);
    const servers = ZVpnServerList.parse(await (await t.call('GET', '/api/vpn/servers', { session: itmanager })).json()).items;
    const used = servers.find((server) => server.accounts > 0)!;
    const res = await t.call('DELETE', `/api/vpn/servers/${used.id}`, { session: itmanager, body: {} });
    expect(res.status).toBe(409);
    expect(ZError.parse(await res.json()).error.message).toMatch(/accounts use this gateway/);
  });
});
