import { and, eq, ne } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { routeAccess } from './auth/route.js';
import { silentLogger, startTestApp, TEST_CONFIG, type TTestApp, type TTestSession } from './testing.js';

// Every route × every actor. A route added to the API without a row here fails the first test below.
// `hr` (HR office, confirms VPN access) is also an employee, and sees every employee and request.
const ACTORS = ['anonymous', 'dipendente', 'responsabile', 'hr', 'hotline', 'itmanager', 'admin'] as const;
type TActorName = (typeof ACTORS)[number];
type TExpect = Record<TActorName, number>;

interface TIds {
  ownEmployee: string; // dipendente's employee record (responsabile manages it)
  otherEmployee: string; // an eligible employee in another service (CP)
  dipendenteUser: string;
  ownRequest: string; // a draft of dipendente's (responsabile manages them)
  ownItem: string;
  otherRequest: string; // a draft for the CP employee, filed by the hot-line
}
interface TCase {
  label: string;
  request: (ids: TIds) => { path: string; body?: unknown };
  expect: TExpect;
}

const all = (status: number, anonymous = 401): TExpect => ({
  anonymous, dipendente: status, responsabile: status, hr: status, hotline: status, itmanager: status, admin: status,
});
const only = (allowed: TActorName[], status = 200, denied = 403): TExpect =>
  Object.fromEntries(ACTORS.map((a) => [a, a === 'anonymous' ? 401 : allowed.includes(a) ? status : denied])) as TExpect;

const NO_CERT = 'cert_0000000000000000';
const VPN_PROFILE = { code: 'standard', name: 'Personale', subnet: '10.8.4.0/22', routes: [], firewall: [] };
const VPN_SERVER = { name: 'gw-x', host: 'vpn-x.example.it', port: 1194, protocol: 'udp', capacity: 10, profileId: 'vpp_0000000000000000', enabled: true };
const agreementBody = { daysPerWeek: 2, technology: ['vpn', 'laptop'], activityIds: [], startsOn: '2026-01-01', endsOn: null };

const MATRIX: Record<string, TCase[]> = {
  'POST /api/auth/login': [{ label: 'wrong password', request: () => ({ path: '/api/auth/login', body: { username: 'hotline', password: 'x' } }), expect: all(401, 401) }],
  'POST /api/auth/logout': [{ label: 'own session', request: () => ({ path: '/api/auth/logout', body: {} }), expect: all(204) }],
  'GET /api/auth/session': [{ label: 'own session', request: () => ({ path: '/api/auth/session' }), expect: all(200) }],
  'PUT /api/me/preferences': [{ label: 'own preferences', request: () => ({ path: '/api/me/preferences', body: { locale: 'it' } }), expect: all(200) }],
  'GET /api/me/kit': [{ label: 'own kit', request: () => ({ path: '/api/me/kit' }), expect: all(200) }],
  'GET /api/services': [{ label: 'list', request: () => ({ path: '/api/services' }), expect: all(200) }],
  'GET /api/activities': [{ label: 'list', request: () => ({ path: '/api/activities?service=SD' }), expect: all(200) }],
  'GET /api/employees': [{ label: 'list', request: () => ({ path: '/api/employees' }), expect: only(['responsabile', 'hr', 'hotline', 'itmanager', 'admin']) }],
  'GET /api/employees/:id': [
    { label: 'own record', request: (ids) => ({ path: `/api/employees/${ids.ownEmployee}` }), expect: all(200) },
    {
      label: "another service's employee",
      request: (ids) => ({ path: `/api/employees/${ids.otherEmployee}` }),
      expect: { anonymous: 401, dipendente: 404, responsabile: 404, hr: 200, hotline: 200, itmanager: 200, admin: 200 },
    },
  ],
  'PUT /api/employees/:id/agreement': [
    { label: "a report's agreement", request: (ids) => ({ path: `/api/employees/${ids.ownEmployee}/agreement`, body: agreementBody }), expect: only(['responsabile', 'admin']) },
    {
      label: "another service's agreement",
      request: (ids) => ({ path: `/api/employees/${ids.otherEmployee}/agreement`, body: agreementBody }),
      expect: { anonymous: 401, dipendente: 403, responsabile: 404, hr: 403, hotline: 403, itmanager: 403, admin: 200 },
    },
  ],
  'GET /api/audit': [{ label: 'list', request: () => ({ path: '/api/audit' }), expect: only(['itmanager', 'admin']) }],
  'GET /api/users': [{ label: 'list', request: () => ({ path: '/api/users' }), expect: only(['admin']) }],
  'PUT /api/users/:id/roles': [{ label: "another user's roles", request: (ids) => ({ path: `/api/users/${ids.dipendenteUser}/roles`, body: { roles: ['employee'] } }), expect: only(['admin']) }],
  'GET /healthz': [{ label: 'public', request: () => ({ path: '/healthz' }), expect: all(200, 200) }],
  'GET /api/openapi.json': [{ label: 'public', request: () => ({ path: '/api/openapi.json' }), expect: all(200, 200) }],
  'GET /api/docs': [{ label: 'public', request: () => ({ path: '/api/docs' }), expect: all(200, 200) }],
  'GET /api/docs/:file': [{ label: 'public asset', request: () => ({ path: '/api/docs/init.js' }), expect: all(200, 200) }],
  'GET /api/requests': [{ label: 'list (scoped)', request: () => ({ path: '/api/requests' }), expect: all(200) }],
  'POST /api/requests': [
    // admin has no employee record, so must say for whom: a clear 422, not a 403.
    { label: 'for oneself', request: () => ({ path: '/api/requests', body: { kinds: ['webcam'] } }), expect: { anonymous: 401, dipendente: 201, responsabile: 201, hr: 201, hotline: 201, itmanager: 201, admin: 422 } },
  ],
  'GET /api/requests/:id': [
    { label: "dipendente's request", request: (ids) => ({ path: `/api/requests/${ids.ownRequest}` }), expect: all(200) },
    { label: "another service's request", request: (ids) => ({ path: `/api/requests/${ids.otherRequest}` }), expect: { anonymous: 401, dipendente: 404, responsabile: 404, hr: 200, hotline: 200, itmanager: 200, admin: 200 } },
  ],
  'POST /api/requests/:id/transitions': [
    { label: 'an illegal step on a visible draft', request: (ids) => ({ path: `/api/requests/${ids.ownRequest}/transitions`, body: { action: 'close' } }), expect: all(409) },
    { label: 'on an invisible request', request: (ids) => ({ path: `/api/requests/${ids.otherRequest}/transitions`, body: { action: 'close' } }), expect: { anonymous: 401, dipendente: 404, responsabile: 404, hr: 409, hotline: 409, itmanager: 409, admin: 409 } },
  ],
  'GET /api/queue': [{ label: 'hot-line queue', request: () => ({ path: '/api/queue' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'GET /api/assets': [{ label: 'registry', request: () => ({ path: '/api/assets' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/assets/import': [{ label: 'an empty file', request: () => ({ path: '/api/assets/import', body: { csv: 'type,model,serial,asset_tag\n' } }), expect: only(['hotline', 'itmanager', 'admin'], 422) }],
  'POST /api/requests/:id/items/:itemId/asset': [
    { label: 'on a draft', request: (ids) => ({ path: `/api/requests/${ids.ownRequest}/items/${ids.ownItem}/asset`, body: { assetId: 'ast_0000000000000000' } }), expect: only(['hotline', 'admin'], 409) },
  ],
  'PUT /api/requests/:id/items/:itemId/checklist': [
    { label: 'on a draft', request: (ids) => ({ path: `/api/requests/${ids.ownRequest}/items/${ids.ownItem}/checklist`, body: { ticks: { 'vpn-client': true } } }), expect: only(['hotline', 'admin'], 409) },
  ],
  'PUT /api/requests/:id/assignee': [
    { label: 'on a draft', request: (ids) => ({ path: `/api/requests/${ids.ownRequest}/assignee`, body: { assigneeUserId: null } }), expect: only(['hotline', 'admin'], 409) },
  ],
  'POST /api/requests/bulk-certificates': [
    { label: "a draft's VPN item (refused per item, nothing written)", request: (ids) => ({ path: '/api/requests/bulk-certificates', body: { requestIds: [ids.ownRequest] } }), expect: only(['hotline', 'admin']) },
  ],
  'POST /api/requests/bulk-transitions': [
    // Authorisation is per request inside: an invisible one is reported "not_found", an illegal step "conflict".
    { label: 'an illegal step', request: (ids) => ({ path: '/api/requests/bulk-transitions', body: { requestIds: [ids.ownRequest], action: 'close' } }), expect: all(200) },
  ],
  'GET /api/reports/requests': [{ label: 'figures', request: () => ({ path: '/api/reports/requests' }), expect: only(['responsabile', 'hr', 'hotline', 'itmanager', 'admin']) }],
  'GET /admin/queues': [{ label: 'dashboard', request: () => ({ path: '/admin/queues' }), expect: only(['admin']) }],
  // Directory sync is not configured in this app: admin gets the "not configured" answers (200 ok:false, 422).
  'GET /api/directory/settings': [{ label: 'settings', request: () => ({ path: '/api/directory/settings' }), expect: only(['admin']) }],
  'POST /api/directory/test-connection': [{ label: 'not configured', request: () => ({ path: '/api/directory/test-connection', body: {} }), expect: only(['admin']) }],
  'POST /api/directory/runs': [{ label: 'not configured', request: () => ({ path: '/api/directory/runs', body: { mode: 'full', dryRun: true } }), expect: only(['admin'], 422) }],
  'GET /api/directory/runs': [{ label: 'history', request: () => ({ path: '/api/directory/runs' }), expect: only(['admin']) }],
  'GET /api/directory/runs/:id': [{ label: 'an unknown run', request: () => ({ path: '/api/directory/runs/run_0000000000000000' }), expect: only(['admin'], 404) }],
  'POST /api/directory/runs/:id/confirm': [{ label: 'sync not enabled', request: () => ({ path: '/api/directory/runs/run_0000000000000000/confirm', body: { acknowledgedDisables: 0 } }), expect: only(['admin'], 422) }],
  'POST /api/directory/runs/:id/cancel': [{ label: 'an unknown run', request: () => ({ path: '/api/directory/runs/run_0000000000000000/cancel', body: { reason: null } }), expect: only(['admin'], 404) }],
  // PKI: this app has an active CA and its first CRL. Unknown ids answer 404 past the permission check.
  'GET /api/pki/status': [{ label: 'status', request: () => ({ path: '/api/pki/status' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/pki/crl/publish': [{ label: 'queue a CRL', request: () => ({ path: '/api/pki/crl/publish', body: {} }), expect: only(['admin'], 202) }],
  // A CA exists in this test: without replaceCaId the admin is refused (409) and nothing is queued or stored.
  'POST /api/pki/authorities': [{ label: 'replacement not confirmed', request: () => ({ path: '/api/pki/authorities', body: { name: 'CA matrice', keyType: 'ec-p384', validityDays: 3650 } }), expect: only(['admin'], 409) }],
  'POST /api/pki/authorities/import': [{ label: 'replacement not confirmed', request: () => ({ path: '/api/pki/authorities/import', body: { certificatePem: 'x', privateKeyPem: 'y' } }), expect: only(['admin'], 409) }],
  'GET /api/pki/authorities/jobs/:id': [{ label: 'an unknown job', request: () => ({ path: '/api/pki/authorities/jobs/obx_0000000000000000' }), expect: only(['admin'], 404) }],
  'GET /api/pki/certificates': [{ label: 'list', request: () => ({ path: '/api/pki/certificates' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/pki/certificates': [
    { label: 'an empty CSR (refused, nothing written)', request: (ids) => ({ path: '/api/pki/certificates', body: { employeeId: ids.ownEmployee, flow: 'csr', csrPem: '' } }), expect: only(['hotline', 'admin'], 422) },
  ],
  'GET /api/pki/certificates/:id': [{ label: 'an unknown certificate', request: () => ({ path: `/api/pki/certificates/${NO_CERT}` }), expect: only(['hotline', 'itmanager', 'admin'], 404) }],
  'POST /api/pki/certificates/:id/bundle': [{ label: 'an unknown certificate', request: () => ({ path: `/api/pki/certificates/${NO_CERT}/bundle`, body: {} }), expect: only(['hotline', 'admin'], 404) }],
  'POST /api/pki/certificates/:id/revoke': [
    { label: 'an unknown certificate', request: () => ({ path: `/api/pki/certificates/${NO_CERT}/revoke`, body: { reason: 'keyCompromise' } }), expect: only(['hotline', 'admin'], 404) },
  ],
  'POST /api/pki/certificates/:id/renew': [
    { label: 'an unknown certificate', request: () => ({ path: `/api/pki/certificates/${NO_CERT}/renew`, body: { flow: 'server-key' } }), expect: only(['hotline', 'admin'], 404) },
  ],
  'POST /api/pki/certificates/:id/installed': [{ label: 'an unknown certificate', request: () => ({ path: `/api/pki/certificates/${NO_CERT}/installed`, body: {} }), expect: only(['hotline', 'admin'], 404) }],
  'POST /api/requests/:id/items/:itemId/certificate': [
    { label: 'a non-VPN item of a draft', request: (ids) => ({ path: `/api/requests/${ids.ownRequest}/items/${ids.ownItem}/certificate`, body: { flow: 'server-key' } }), expect: only(['hotline', 'admin'], 422) },
  ],
  'GET /api/employees/:id/vpn': [{ label: "an employee's VPN", request: (ids) => ({ path: `/api/employees/${ids.ownEmployee}/vpn` }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/employees/:id/vpn': [{ label: 'create the account', request: (ids) => ({ path: `/api/employees/${ids.otherEmployee}/vpn`, body: {} }), expect: only(['hotline', 'admin']) }],
  'GET /api/vpn/profiles': [{ label: 'list', request: () => ({ path: '/api/vpn/profiles' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/vpn/profiles': [{ label: 'a code already taken', request: () => ({ path: '/api/vpn/profiles', body: VPN_PROFILE }), expect: only(['itmanager', 'admin'], 409) }],
  'PUT /api/vpn/profiles/:id': [{ label: 'an unknown profile', request: () => ({ path: '/api/vpn/profiles/vpp_0000000000000000', body: VPN_PROFILE }), expect: only(['itmanager', 'admin'], 404) }],
  'DELETE /api/vpn/profiles/:id': [{ label: 'an unknown profile', request: () => ({ path: '/api/vpn/profiles/vpp_0000000000000000' }), expect: only(['itmanager', 'admin'], 404) }],
  'GET /api/vpn/profiles/:id/nftables': [{ label: 'an unknown profile', request: () => ({ path: '/api/vpn/profiles/vpp_0000000000000000/nftables' }), expect: only(['hotline', 'itmanager', 'admin'], 404) }],
  'GET /api/vpn/servers': [{ label: 'list', request: () => ({ path: '/api/vpn/servers' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/vpn/servers': [{ label: 'an unknown profile', request: () => ({ path: '/api/vpn/servers', body: VPN_SERVER }), expect: only(['itmanager', 'admin'], 404) }],
  'PUT /api/vpn/servers/:id': [{ label: 'an unknown server', request: () => ({ path: '/api/vpn/servers/vps_0000000000000000', body: VPN_SERVER }), expect: only(['itmanager', 'admin'], 404) }],
  'DELETE /api/vpn/servers/:id': [{ label: 'an unknown server', request: () => ({ path: '/api/vpn/servers/vps_0000000000000000' }), expect: only(['itmanager', 'admin'], 404) }],
  'GET /api/vpn/servers/:id/export': [{ label: 'an unknown server', request: () => ({ path: '/api/vpn/servers/vps_0000000000000000/export' }), expect: only(['hotline', 'itmanager', 'admin'], 404) }],
  // What VPN gateways fetch: no session at all.
  'GET /pki/ca.pem': [{ label: 'public', request: () => ({ path: '/pki/ca.pem' }), expect: all(200, 200) }],
  'GET /pki/crl.pem': [{ label: 'public', request: () => ({ path: '/pki/crl.pem' }), expect: all(200, 200) }],
  'GET /pki/crl.der': [{ label: 'public', request: () => ({ path: '/pki/crl.der' }), expect: all(200, 200) }],
  'GET /api/deprovisioning': [{ label: 'open cases', request: () => ({ path: '/api/deprovisioning' }), expect: only(['hotline', 'itmanager', 'admin']) }],
  'POST /api/deprovisioning/:id/steps/:step': [
    { label: 'an unknown case', request: () => ({ path: '/api/deprovisioning/dpv_0000000000000000/steps/return-kit', body: { status: 'done', note: null } }), expect: only(['hotline', 'admin'], 404) },
  ],
};

describe('route × role matrix', () => {
  let t: TTestApp;
  let ids: TIds;
  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    const dipendente = await t.login('dipendente');
    const [other] = await t.database.db
      .select({ id: schema.employees.id })
      .from(schema.employees)
      .innerJoin(schema.services, eq(schema.services.id, schema.employees.serviceId))
      .where(and(eq(schema.services.code, 'CP'), eq(schema.employees.remoteEligible, true), ne(schema.employees.id, dipendente.me.employeeId!)))
      .limit(1);
    const own = await t.call('POST', '/api/requests', { session: dipendente, body: { kinds: ['vpn', 'laptop'] } });
    const ownRequest = (await own.json()) as { id: string; items: { id: string }[] };
    const hotline = await t.login('hotline');
    const otherRes = await t.call('POST', '/api/requests', { session: hotline, body: { employeeId: other!.id, kinds: ['headset'] } });
    const otherRequest = (await otherRes.json()) as { id: string };
    ids = {
      ownEmployee: dipendente.me.employeeId!,
      otherEmployee: other!.id,
      dipendenteUser: dipendente.me.id,
      ownRequest: ownRequest.id,
      ownItem: ownRequest.items[0]!.id,
      otherRequest: otherRequest.id,
    };
  });
  afterAll(() => t.close());

  it('has a row for every route the API serves (and every /api route declares its access)', () => {
    const served = new Set(
      t.app.routes
        .filter((route) => route.method !== 'ALL' && !route.path.startsWith('/admin/queues/'))
        .map((route) => `${route.method} ${route.path}`),
    );
    expect([...served].filter((key) => !(key in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !served.has(key))).toEqual([]);
    for (const key of served) if (key.includes(' /api/') || key.includes(' /healthz')) expect(routeAccess.has(key), key).toBe(true);
  });

  for (const [route, cases] of Object.entries(MATRIX)) {
    for (const testCase of cases) {
      it(`${route} (${testCase.label})`, async () => {
        const method = route.split(' ')[0]!;
        const seen: Partial<TExpect> = {};
        for (const actor of ACTORS) {
          const session: TTestSession | undefined = actor === 'anonymous' ? undefined : await t.login(actor);
          const { path, body } = testCase.request(ids);
          const res = await t.call(method, path, { session, body: body ?? (method === 'GET' ? undefined : {}) });
          seen[actor] = res.status;
        }
        expect(seen).toEqual(testCase.expect);
      });
    }
  }

  it('denies by default: a route registered without a declared permission never runs', async () => {
    let ran = false;
    const app = createApp({ db: t.database.db, producer: t.producer, logger: silentLogger, config: TEST_CONFIG, pingDatabase: async () => {} });
    app.get('/api/undeclared-probe', (c) => {
      ran = true;
      return c.text('should not be reachable');
    });
    const admin = await t.login('admin');
    const res = await app.request('http://varco.test/api/undeclared-probe', { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(403);
    expect(ran).toBe(false);
  });

  it('bull-board API behind the dashboard is admin-only too', async () => {
    expect((await t.call('GET', '/admin/queues/api/queues', { session: await t.login('hotline') })).status).toBe(403);
    expect((await t.call('GET', '/admin/queues/api/queues')).status).toBe(401);
    expect((await t.call('GET', '/admin/queues/api/queues', { session: await t.login('admin') })).status).toBe(200);
  });
});
