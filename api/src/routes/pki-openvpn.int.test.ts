import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueGatewayCertificate } from '@varco/workers/pki-runtime';
import { SYSTEM_ACTOR } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../ops/src/testing/free-port.js';
import { startOpenvpn, type TOpenvpnProcess } from '../../../workers/src/pki/testing/openvpn-process.js';
import { ZCertificateBundle, ZEmployeeVpn, ZGatewayExport, ZVpnProfile, ZVpnServer } from '../contract/index.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, currentCrlNumber, fetchPublic, openssl, requestCertificate, run, scratchDir, someEmployees, waitForCertificate, waitForCrlNumberAbove } from './pki-testing.js';

/**
 * Real OpenVPN 2.6 against what the product hands out: the gateway's CA and CRL fetched from the public URLs, the
 * station's .ovpn from the one-time bundle, and (in a network namespace) the exported server snippet + CCD files.
 */
describe('OpenVPN 2.6 with profiles, CRLs and exports from the API', () => {
  let t: TTestApp;
  let hotline: TTestSession;
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  let server: { id: string; port: number };
  const running = new Set<TOpenvpnProcess>();
  const namespace = `varco-api-${process.pid}`;
  const gw = (name: string) => join(dir.path, name);

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    hotline = await t.login('hotline');
    dir = await scratchDir('pki-ovpn-api-');
    const admin = await t.login('admin');
    const profile = ZVpnProfile.parse(await (await t.call('POST', '/api/vpn/profiles', {
      session: admin,
      body: { code: 'ovpn_test', name: 'OpenVPN test', subnet: '10.213.0.0/24', routes: [{ network: '10.30.0.0/16' }], firewall: [] },
    })).json());
    const port = await freePort();
    const created = ZVpnServer.parse(await (await t.call('POST', '/api/vpn/servers', {
      session: admin,
      body: { name: 'test-gw', host: '127.0.0.1', port, protocol: 'tcp', capacity: 10, profileId: profile.id, enabled: true },
    })).json());
    server = { id: created.id, port };
    // The gateway's identity, as `npm run varco -- vpn gateway-cert` makes it: key to a file, certificate recorded.
    const identity = await issueGatewayCertificate(t.database.db, { serverId: server.id, validityDays: 30, settings: t.pki!, actor: SYSTEM_ACTOR });
    await writeFile(gw('server.pem'), identity.certificatePem);
    await writeFile(gw('server.key'), identity.privateKeyPem, { mode: 0o600 });
    await fetchPublic(t, '/pki/ca.pem', dir.path, 'ca.pem');
    await fetchPublic(t, '/pki/crl.pem', dir.path, 'crl.pem');
  });
  afterAll(async () => {
    await Promise.all([...running].map((process) => process.stop()));
    await run('ip', ['netns', 'del', namespace]);
    await t?.close();
    await dir?.remove();
  });

  const track = (process: TOpenvpnProcess) => {
    running.add(process);
    return process;
  };
  async function stop(...processes: (TOpenvpnProcess | undefined)[]) {
    for (const process of processes) {
      if (!process) continue;
      await process.stop();
      running.delete(process);
    }
  }

  /** A station of the test profile, issued through the API; returns its .ovpn and the one-time password. */
  async function station(employeeId: string, flow: 'server-key' | 'csr', name: string) {
    let csrPem: string | undefined;
    if (flow === 'csr') {
      await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', gw(`${name}-station.key`), '-out', gw(`${name}.csr`), '-subj', '/CN=station']);
      csrPem = (await openssl(['req', '-in', gw(`${name}.csr`)])).stdout;
    }
    const answer = await requestCertificate(t, hotline, { employeeId, flow, csrPem, profileCode: 'ovpn_test' });
    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    expect(issued.state).toBe('active');
    const bundle = ZCertificateBundle.parse(await (await t.call('POST', `/api/pki/certificates/${issued.id}/bundle`, { session: hotline, body: {} })).json());
    expect(bundle.ovpn).toContain(`remote 127.0.0.1 ${server.port} tcp`);
    expect(bundle.ovpn).toContain('verify-x509-name "vpn-gw-" name-prefix');
    const dirOf = join(dir.path, name);
    await mkdir(dirOf, { recursive: true });
    if (answer.oneTimePassword) await writeFile(join(dirOf, 'askpass'), `${answer.oneTimePassword}\n`, { mode: 0o600 });
    if (flow === 'csr') await writeFile(join(dirOf, 'station.key'), (await openssl(['pkey', '-in', gw(`${name}-station.key`)])).stdout, { mode: 0o600 });
    return { certificate: issued, ovpn: bundle.ovpn, dir: dirOf, askpass: answer.oneTimePassword ? ['askpass', join(dirOf, 'askpass')] : [] };
  }

  /** P2P TLS (no tun device needed): the rendered profile with only `dev tun` → `dev null`, as REAL-SERVERS.md says. */
  async function handshake(client: Awaited<ReturnType<typeof station>>, expected: RegExp) {
    const gateway = track(startOpenvpn(
      ['--tls-server', '--dev', 'null', '--proto', 'tcp-server', '--local', '127.0.0.1', '--port', String(server.port), '--ca', gw('ca.pem'),
        '--cert', gw('server.pem'), '--key', gw('server.key'), '--dh', 'none', '--crl-verify', gw('crl.pem'), '--verify-client-cert', 'require', '--verb', '3'],
      { cwd: dir.path },
    ));
    let peer: TOpenvpnProcess | undefined;
    try {
      await gateway.waitFor(/Listening for incoming TCP connection/, 15_000);
      const config = join(client.dir, 'p2p.ovpn');
      await writeFile(config, `${client.ovpn.replace(/^dev tun$/m, 'dev null')}connect-retry-max 1\n${client.askpass.join(' ')}\n`, { mode: 0o600 });
      peer = track(startOpenvpn(['--config', config], { cwd: client.dir }));
      await gateway.waitFor(expected);
      if (/Peer Connection/.test(expected.source)) await peer.waitFor(/Peer Connection Initiated/);
      return { gateway: gateway.log(), client: peer.log() };
    } finally {
      await stop(peer, gateway);
    }
  }

  it('the bundle connects (PKCS#12 inline with its one-time password, and the CSR flow); after revocation via the API it is refused', async () => {
    const [first, second] = await someEmployees(t, 2);
    const p12Station = await station(first!, 'server-key', 'p12');
    const csrStation = await station(second!, 'csr', 'csr');
    for (const client of [p12Station, csrStation]) {
      const logs = await handshake(client, /Peer Connection Initiated/);
      expect(logs.gateway).toContain(`VERIFY OK: depth=0, CN=${client.certificate.commonName}`);
      expect(logs.client).toMatch(/VERIFY X509NAME OK: CN=vpn-gw-test-gw/);
    }

    const ca = await activeCa(t);
    const before = await currentCrlNumber(t, ca.id);
    for (const client of [p12Station, csrStation]) {
      const res = await t.call('POST', `/api/pki/certificates/${client.certificate.id}/revoke`, { session: hotline, body: { reason: 'keyCompromise' } });
      expect(res.status).toBe(200);
    }
    await waitForCrlNumberAbove(t, ca.id, before + 1n);
    await fetchPublic(t, '/pki/crl.pem', dir.path, 'crl.pem'); // what a gateway's cron job does
    for (const client of [p12Station, csrStation]) {
      const logs = await handshake(client, /certificate revoked/);
      expect(logs.gateway).toMatch(new RegExp(`VERIFY ERROR: depth=0, error=certificate revoked: CN=${client.certificate.commonName}`));
      expect(logs.gateway).not.toContain('Peer Connection Initiated');
    }
  });

  it('full server mode: the exported snippet and CCD files give the station its static address from its account', async () => {
    if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: full server mode needs it (modprobe tun)');
    const [, , holder] = await someEmployees(t, 3);
    const client = await station(holder!, 'server-key', 'ns');
    const vpn = ZEmployeeVpn.parse(await (await t.call('GET', `/api/employees/${holder}/vpn`, { session: hotline })).json());
    expect(vpn.account).toMatchObject({ profile: { code: 'ovpn_test' }, servers: [{ id: server.id, primary: true }] });
    const exported = ZGatewayExport.parse(await (await t.call('GET', `/api/vpn/servers/${server.id}/export?baseDir=${encodeURIComponent(dir.path)}`, { session: hotline })).json());
    expect(Object.keys(exported.ccd)).toEqual([client.certificate.commonName]); // revoked stations get no CCD file
    await mkdir(exported.files.ccdDir, { recursive: true });
    for (const [name, content] of Object.entries(exported.ccd)) await writeFile(join(exported.files.ccdDir, name), content);
    await writeFile(gw('server.conf'), `${exported.snippet}verb 3\n`);

    expect((await run('ip', ['netns', 'add', namespace])).code).toBe(0);
    expect((await run('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'])).code).toBe(0);
    const gateway = track(startOpenvpn(['--config', gw('server.conf')], { cwd: dir.path, netns: namespace }));
    let peer: TOpenvpnProcess | undefined;
    try {
      await gateway.waitFor(/Initialization Sequence Completed/);
      const config = join(client.dir, 'full.ovpn');
      await writeFile(config, `${client.ovpn}connect-retry-max 1\n${client.askpass.join(' ')}\n`, { mode: 0o600 });
      peer = track(startOpenvpn(['--config', config], { cwd: client.dir, netns: namespace }));
      const log = await peer.waitFor(/Initialization Sequence Completed/);
      const address = vpn.account!.tunnelAddress;
      expect(log).toMatch(new RegExp(`PUSH_REPLY,.*ifconfig ${address.replace(/\./g, '\\.')} 255\\.255\\.255\\.0`));
      expect(log).toMatch(/PUSH_REPLY,.*route 10\.30\.0\.0 255\.255\.0\.0/);
      expect((await run('ip', ['netns', 'exec', namespace, 'ip', '-4', 'addr', 'show'])).stdout).toContain(`inet ${address}/24`);
    } finally {
      await stop(peer, gateway);
    }
  });
});
