import { z } from 'zod';
import {
  createVpnAccount,
  deleteVpnProfile,
  deleteVpnServer,
  getVpnAccountOfEmployee,
  getVpnProfile,
  getVpnServerExport,
  listCertificates,
  listLiveCertificatesOfEmployees,
  listVpnProfiles,
  listVpnServersWithLoad,
  saveVpnProfile,
  saveVpnServer,
} from '@varco/db';
import { checkProfileNetworks, DEFAULT_GATEWAY_DIR, GATEWAY_FILES, renderGatewayExport, renderProfileFirewall } from '@varco/workers/pki-runtime';
import { defineRoute, jsonBody, jsonResponse, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam } from '../contract/common.js';
import { ZCreateVpnAccount, ZEmployeeVpn, ZGatewayExport, ZGatewayExportQuery, ZNftablesExport, ZVpnProfile, ZVpnProfileInput, ZVpnProfileList, ZVpnServer, ZVpnServerInput, ZVpnServerList } from '../contract/vpn.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { certificateView, pkiSettingsOf, toPkiApiError } from '../services/pki.js';

const missing = { 404: jsonResponse(z.object({}), 'Not found') };
const refused = { ...missing, 409: jsonResponse(z.object({}), 'Conflicts with existing data'), 422: jsonResponse(z.object({}), 'Refused') };

const profiles = defineRoute('vpn:read', { method: 'get', path: '/api/vpn/profiles', tags: ['vpn'], summary: 'VPN profiles (kinds of user) with subnet, routes, firewall rules and account counts', responses: { 200: jsonResponse(ZVpnProfileList, 'Profiles') } });
const createProfile = defineRoute('vpn:manage', { method: 'post', path: '/api/vpn/profiles', tags: ['vpn'], summary: 'Create a VPN profile', request: { body: jsonBody(ZVpnProfileInput) }, responses: { 201: jsonResponse(ZVpnProfile, 'Created'), ...refused } });
const updateProfile = defineRoute('vpn:manage', { method: 'put', path: '/api/vpn/profiles/{id}', tags: ['vpn'], summary: 'Change a VPN profile (its subnet only while it has no accounts)', request: { params: ZIdParam('vpp'), body: jsonBody(ZVpnProfileInput) }, responses: { 200: jsonResponse(ZVpnProfile, 'Saved'), ...refused } });
const deleteProfile = defineRoute('vpn:manage', { method: 'delete', path: '/api/vpn/profiles/{id}', tags: ['vpn'], summary: 'Delete a VPN profile without gateways and accounts', request: { params: ZIdParam('vpp') }, responses: { 204: { description: 'Deleted' }, ...refused } });
const deleteServer = defineRoute('vpn:manage', { method: 'delete', path: '/api/vpn/servers/{id}', tags: ['vpn'], summary: 'Delete a VPN gateway no account uses (otherwise disable it)', request: { params: ZIdParam('vps') }, responses: { 204: { description: 'Deleted' }, ...refused } });
const nftables = defineRoute('vpn:read', { method: 'get', path: '/api/vpn/profiles/{id}/nftables', tags: ['vpn'], summary: "The profile's nftables rule set (nft -f)", request: { params: ZIdParam('vpp') }, responses: { 200: jsonResponse(ZNftablesExport, 'Rules'), ...missing } });
const servers = defineRoute('vpn:read', { method: 'get', path: '/api/vpn/servers', tags: ['vpn'], summary: 'VPN gateways with accounts and load (accounts / capacity)', responses: { 200: jsonResponse(ZVpnServerList, 'Gateways') } });
const createServer = defineRoute('vpn:manage', { method: 'post', path: '/api/vpn/servers', tags: ['vpn'], summary: 'Add a VPN gateway', request: { body: jsonBody(ZVpnServerInput) }, responses: { 201: jsonResponse(ZVpnServer, 'Created'), ...refused } });
const updateServer = defineRoute('vpn:manage', { method: 'put', path: '/api/vpn/servers/{id}', tags: ['vpn'], summary: 'Change a VPN gateway', request: { params: ZIdParam('vps'), body: jsonBody(ZVpnServerInput) }, responses: { 200: jsonResponse(ZVpnServer, 'Saved'), ...refused } });
const exportServer = defineRoute('vpn:read', {
  method: 'get', path: '/api/vpn/servers/{id}/export', tags: ['vpn'], summary: "A gateway's OpenVPN server snippet and CCD files ({ file name: content })",
  request: { params: ZIdParam('vps'), query: ZGatewayExportQuery }, responses: { 200: jsonResponse(ZGatewayExport, 'Export'), ...missing },
});
const employeeVpn = defineRoute('pki:read', { method: 'get', path: '/api/employees/{id}/vpn', tags: ['vpn', 'pki'], summary: "An employee's VPN account (profile, gateways in failover order) and station certificates", request: { params: ZIdParam('emp') }, responses: { 200: jsonResponse(ZEmployeeVpn, 'Account and certificates') } });
const createAccount = defineRoute('pki:issue', { method: 'post', path: '/api/employees/{id}/vpn', tags: ['vpn'], summary: 'Create the VPN account (balanced across the profile\'s gateways, first free address)', request: { params: ZIdParam('emp'), body: jsonBody(ZCreateVpnAccount) }, responses: { 200: jsonResponse(ZEmployeeVpn, 'Account and certificates'), ...refused } });

function checkNetworks(input: z.infer<typeof ZVpnProfileInput>) {
  const problem = checkProfileNetworks(input);
  if (problem) throw new ApiError('validation_failed', problem);
}

const rethrow = (err: unknown) => {
  throw toPkiApiError(err);
};

export function vpnRoutes(deps: TAppDeps) {
  const profileView = async (id: string) => {
    const found = (await listVpnProfiles(deps.db)).find((row) => row.profile.id === id);
    if (!found) throw new ApiError('not_found', 'No such VPN profile');
    const { code, name, subnet, routes, firewall } = found.profile;
    return { id: found.profile.id, code, name, subnet, routes, firewall, accounts: found.accounts };
  };
  const serverViews = async () =>
    (await listVpnServersWithLoad(deps.db)).map(({ server, profile, accounts }) => ({
      id: server.id, name: server.name, host: server.host, port: server.port, protocol: server.protocol, capacity: server.capacity, enabled: server.enabled,
      profile, accounts, load: Math.round((accounts / server.capacity) * 1000) / 1000,
    }));
  const serverView = async (id: string) => (await serverViews()).find((server) => server.id === id)!;
  const employeeView = async (employeeId: string) => {
    const now = new Date();
    const [found, certificates] = await Promise.all([
      getVpnAccountOfEmployee(deps.db, { employeeId }),
      listCertificates(deps.db, { employeeId, expiringDays: pkiSettingsOf(deps).expiryWarningDays, now, page: 1, pageSize: 100 }),
    ]);
    const account = found && {
      id: found.account.id,
      profile: { id: found.profile.id, code: found.profile.code, name: found.profile.name },
      tunnelAddress: found.account.tunnelAddress,
      enabled: found.account.enabled,
      servers: found.servers.map((server) => ({ id: server.id, name: server.name, host: server.host, port: server.port, protocol: server.protocol, primary: server.id === found.account.primaryServerId })),
    };
    return { account, certificates: certificates.rows.map((row) => certificateView(row, { now, expiringDays: pkiSettingsOf(deps).expiryWarningDays })) };
  };
  return newRouter()
    .openapi(profiles, async (c) => c.json({ items: await Promise.all((await listVpnProfiles(deps.db)).map((row) => profileView(row.profile.id))) }, 200))
    .openapi(createProfile, async (c) => {
      const input = c.req.valid('json');
      checkNetworks(input);
      const saved = await saveVpnProfile(deps.db, { id: null, input, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await profileView(saved.id), 201);
    })
    .openapi(updateProfile, async (c) => {
      const input = c.req.valid('json');
      checkNetworks(input);
      const saved = await saveVpnProfile(deps.db, { id: c.req.valid('param').id, input, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await profileView(saved.id), 200);
    })
    .openapi(deleteProfile, async (c) => {
      await deleteVpnProfile(deps.db, { id: c.req.valid('param').id, actor: actorOf(c.var) }).catch(rethrow);
      return c.body(null, 204);
    })
    .openapi(nftables, async (c) => {
      const profile = await getVpnProfile(deps.db, { id: c.req.valid('param').id });
      if (!profile) throw new ApiError('not_found', 'No such VPN profile');
      return c.json({ profileCode: profile.code, nftables: renderProfileFirewall(profile) }, 200);
    })
    .openapi(servers, async (c) => c.json({ items: await serverViews() }, 200))
    .openapi(createServer, async (c) => {
      const saved = await saveVpnServer(deps.db, { id: null, input: c.req.valid('json'), actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await serverView(saved.id), 201);
    })
    .openapi(updateServer, async (c) => {
      const saved = await saveVpnServer(deps.db, { id: c.req.valid('param').id, input: c.req.valid('json'), actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await serverView(saved.id), 200);
    })
    .openapi(deleteServer, async (c) => {
      await deleteVpnServer(deps.db, { id: c.req.valid('param').id, actor: actorOf(c.var) }).catch(rethrow);
      return c.body(null, 204);
    })
    .openapi(exportServer, async (c) => {
      const found = await getVpnServerExport(deps.db, { serverId: c.req.valid('param').id });
      if (!found) throw new ApiError('not_found', 'No such VPN server');
      const baseDir = c.req.valid('query').baseDir ?? DEFAULT_GATEWAY_DIR;
      const live = await listLiveCertificatesOfEmployees(deps.db, { employeeIds: found.accounts.map((row) => row.account.employeeId), now: new Date() });
      const accounts = found.accounts.map(({ account }) => ({
        tunnelAddress: account.tunnelAddress,
        commonNames: [...new Set(live.filter((cert) => cert.employeeId === account.employeeId).map((cert) => cert.commonName))],
      }));
      const { snippet, ccd } = renderGatewayExport({ server: found.server, profile: found.profile, accounts, baseDir });
      const files = { ca: `${baseDir}/${GATEWAY_FILES.ca}`, cert: `${baseDir}/${GATEWAY_FILES.cert}`, key: `${baseDir}/${GATEWAY_FILES.key}`, crl: `${baseDir}/${GATEWAY_FILES.crl}`, ccdDir: `${baseDir}/${GATEWAY_FILES.ccd}` };
      return c.json({ serverId: found.server.id, snippet, ccd, files }, 200);
    })
    .openapi(employeeVpn, async (c) => c.json(await employeeView(c.req.valid('param').id), 200))
    .openapi(createAccount, async (c) => {
      const { id } = c.req.valid('param');
      await createVpnAccount(deps.db, { employeeId: id, profileCode: c.req.valid('json').profileCode ?? null, actor: actorOf(c.var) }).catch(rethrow);
      return c.json(await employeeView(id), 200);
    });
}
