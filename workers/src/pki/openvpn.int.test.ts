import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../ops/src/testing/free-port.js';
import { issueStationCertificate, type TIssuedCertificate } from './certificate.js';
import { assertCrlNumberIncreases, buildCrl, type TRevokedEntry } from './crl.js';
import { inspectCsr } from './csr.js';
import type { TCaSigner } from './issuer.js';
import { generateStationKey, type TStationKeyType } from './keys.js';
import { renderCcd, renderClientProfile, renderServerSnippet, type TClientProfileParams } from './openvpn.js';
import { buildPkcs12, generateOneTimePassword } from './pkcs12.js';
import { generateSerial } from './serial.js';
import { spkiOf, testCa } from './testing/fixtures.js';
import { startOpenvpn, type TOpenvpnProcess } from './testing/openvpn-process.js';
import { openssl, run, scratchDir } from './testing/run.js';

/**
 * Real OpenVPN 2.6 against certificates, CRLs, profiles and server settings from the engine
 * (recipes: shared/REAL-SERVERS.md). Point-to-point TLS mode needs no tun device; full server mode runs inside a
 * network namespace the test creates and deletes.
 */
const SERVER_NAME = 'vpn1.varco.test';
const DAY = 86_400_000;
let dir: Awaited<ReturnType<typeof scratchDir>>;
const running = new Set<TOpenvpnProcess>();

beforeAll(async () => {
  dir = await scratchDir('pki-ovpn-');
});
afterAll(async () => {
  await Promise.all([...running].map((process) => process.stop()));
  await dir?.remove();
});

function track(process: TOpenvpnProcess): TOpenvpnProcess {
  running.add(process);
  return process;
}

async function stopAll(...processes: (TOpenvpnProcess | undefined)[]) {
  for (const process of processes) {
    if (!process) continue;
    await process.stop();
    running.delete(process);
  }
}

async function issue(ca: TCaSigner, publicKeyDer: Buffer, commonName: string, profile: 'client' | 'server' = 'client'): Promise<TIssuedCertificate> {
  return issueStationCertificate({
    ca,
    subjectPublicKeyDer: publicKeyDer,
    subject: { commonName },
    ...(profile === 'server' ? { sanDns: [commonName], profile } : {}),
    serialHex: generateSerial().hex,
    notBefore: new Date(),
    validityDays: 30,
  });
}

async function stationWithKey(ca: TCaSigner, keyType: TStationKeyType, commonName: string) {
  const keys = await generateStationKey(keyType);
  const certificate = await issue(ca, spkiOf(keys.publicKey), commonName);
  return { ...keys, certificate, privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A gateway identity: server certificate and key files, plus the CA file. */
async function writeGateway(ca: TCaSigner, prefix: string) {
  const keys = await generateStationKey('ec-p256');
  const certificate = await issue(ca, spkiOf(keys.publicKey), SERVER_NAME, 'server');
  const files = { ca: join(dir.path, `${prefix}-ca.pem`), cert: join(dir.path, `${prefix}-server.pem`), key: join(dir.path, `${prefix}-server.key`), crl: join(dir.path, `${prefix}-crl.pem`) };
  await writeFile(files.ca, ca.certificatePem);
  await writeFile(files.cert, certificate.certificatePem);
  await writeFile(files.key, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return files;
}

async function publishCrl(ca: TCaSigner, file: string, crlNumber: bigint, revoked: TRevokedEntry[], last: bigint | null) {
  assertCrlNumberIncreases(last, crlNumber);
  await writeFile(file, buildCrl({ ca, crlNumber, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 7 * DAY), revoked }).pem);
}

describe('OpenVPN 2.6 point-to-point TLS', () => {
  let ca: TCaSigner;
  let gateway: Awaited<ReturnType<typeof writeGateway>>;
  beforeAll(async () => {
    ca = await testCa('rsa-3072');
    gateway = await writeGateway(ca, 'p2p');
    await publishCrl(ca, gateway.crl, 1n, [], null);
  });

  /** The rendered profile as REAL-SERVERS.md says: only `dev tun` becomes `dev null`; `extra` lines are appended. */
  function clientConfig(params: Omit<TClientProfileParams, 'remotes' | 'caPem' | 'verifyX509Name'>, port: number, extra: string[] = []) {
    const profile = renderClientProfile({
      remotes: [{ host: '127.0.0.1', port, proto: 'tcp' }],
      caPem: ca.certificatePem,
      verifyX509Name: { name: SERVER_NAME, type: 'name' },
      ...params,
    });
    expect(profile).toMatch(/^dev tun$/m);
    return `${profile.replace(/^dev tun$/m, 'dev null')}${['connect-retry-max 1', ...extra].join('\n')}\n`;
  }

  /** One p2p server per attempt (it serves one peer), retried if the free port was taken meanwhile. */
  async function handshake(name: string, config: (port: number) => string, expected: RegExp) {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = track(
        startOpenvpn(
          ['--tls-server', '--dev', 'null', '--proto', 'tcp-server', '--local', '127.0.0.1', '--port', String(port), '--ca', gateway.ca,
            '--cert', gateway.cert, '--key', gateway.key, '--dh', 'none', '--crl-verify', gateway.crl, '--verify-client-cert', 'require', '--verb', '3'],
          { cwd: dir.path },
        ),
      );
      let client: TOpenvpnProcess | undefined;
      try {
        await server.waitFor(/Listening for incoming TCP connection/, 15_000);
        const configFile = join(dir.path, `${name}.ovpn`);
        await writeFile(configFile, config(port), { mode: 0o600 });
        client = track(startOpenvpn(['--config', configFile], { cwd: dir.path }));
        await server.waitFor(expected);
        if (/Peer Connection Initiated/.test(expected.source)) await client.waitFor(/Peer Connection Initiated/);
        return { server: server.log(), client: client.log() };
      } catch (err) {
        if (attempt >= 3 || !server.exited()) throw err;
      } finally {
        await stopAll(client, server);
      }
    }
  }

  const stations: Record<string, { serialHex: string; config: (port: number) => string }> = {};

  it('server-side key flow: the rendered profile with its inline key completes the handshake', async () => {
    const station = await stationWithKey(ca, 'rsa-2048', 'emp_server_side');
    const config = (port: number) => clientConfig({ certificatePem: station.certificate.certificatePem, privateKeyPem: station.privateKeyPem }, port);
    const logs = await handshake('server-side', config, /Peer Connection Initiated/);
    expect(logs.server).toMatch(/Peer Connection Initiated with \[AF_INET\]127\.0\.0\.1:\d+/);
    expect(logs.client).toContain(`VERIFY X509NAME OK: CN=${SERVER_NAME}`);
    expect(logs.client).toMatch(/VERIFY OK: depth=0, CN=vpn1\.varco\.test/);
    stations.serverSide = { serialHex: station.certificate.serialHex, config };
  });

  it('server-side key flow: the PKCS#12 bundle, opened by OpenVPN with its one-time password', async () => {
    const station = await stationWithKey(ca, 'ec-p256', 'emp_pkcs12');
    const password = generateOneTimePassword();
    const p12 = join(dir.path, 'station.p12');
    await writeFile(p12, await buildPkcs12({ privateKey: station.privateKey, certificatePem: station.certificate.certificatePem, caChainPem: ca.certificatePem, friendlyName: 'emp_pkcs12', password }));
    const askpass = join(dir.path, 'p12.pass');
    await writeFile(askpass, `${password}\n`, { mode: 0o600 });
    // OpenVPN refuses <cert> together with pkcs12: take the rendered profile's <cert> block out.
    const config = (port: number) =>
      clientConfig({ certificatePem: station.certificate.certificatePem }, port, [`pkcs12 ${p12}`, `askpass ${askpass}`]).replace(/<cert>[\s\S]*?<\/cert>\n/, '');
    const logs = await handshake('pkcs12', config, /Peer Connection Initiated/);
    expect(logs.server).toContain('VERIFY OK: depth=0, CN=emp_pkcs12');
  });

  it('CSR flow: a key made by openssl on the station, a certificate from its CSR', async () => {
    const keyFile = join(dir.path, 'csr-station.key');
    const csrFile = join(dir.path, 'csr-station.csr');
    const made = await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=whatever-the-station-wants']);
    expect(made.code).toBe(0);
    const csr = inspectCsr(await readFile(csrFile, 'utf8'));
    if (!csr.ok) throw new Error(csr.message);
    const certificate = await issue(ca, csr.publicKeyDer, 'emp_csr');
    // The profile has no <key>: the key never left the station, the profile points at it.
    const config = (port: number) => clientConfig({ certificatePem: certificate.certificatePem }, port, [`key ${keyFile}`]);
    expect(config(1)).not.toContain('<key>');
    const logs = await handshake('csr', config, /Peer Connection Initiated/);
    expect(logs.server).toContain('VERIFY OK: depth=0, CN=emp_csr');
    stations.csr = { serialHex: certificate.serialHex, config };
  });

  it('after revocation and a new CRL, the same stations are refused (certificate revoked)', async () => {
    expect(Object.keys(stations).sort()).toEqual(['csr', 'serverSide']);
    const revoked: TRevokedEntry[] = [
      { serialHex: stations.serverSide!.serialHex, revokedAt: new Date(), reason: 'keyCompromise' },
      { serialHex: stations.csr!.serialHex, revokedAt: new Date(), reason: 'cessationOfOperation' },
    ];
    await publishCrl(ca, gateway.crl, 2n, revoked, 1n);
    for (const [name, station] of Object.entries(stations)) {
      const logs = await handshake(`${name}-revoked`, station.config, /certificate revoked/);
      expect(logs.server).toMatch(/VERIFY ERROR: depth=0, error=certificate revoked: CN=emp_/);
      expect(logs.server).not.toContain('Peer Connection Initiated');
    }
  });
});

describe('OpenVPN 2.6 full server mode in a network namespace', () => {
  const namespace = `varco-pki-${process.pid}`;
  afterAll(async () => {
    await run('ip', ['netns', 'del', namespace]);
  });

  /** The gateway as exported: server snippet (pushing one route to everyone) and one CCD file (one more route). */
  async function writeNamespaceServer(ca: TCaSigner): Promise<string> {
    const gateway = await writeGateway(ca, 'ns');
    await publishCrl(ca, gateway.crl, 1n, [], null);
    const ccdDir = join(dir.path, 'ccd');
    await mkdir(ccdDir, { recursive: true });
    const ccd = renderCcd({ ifconfigPush: { ip: '10.213.0.77', netmask: '255.255.255.0' }, routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }] });
    await writeFile(join(ccdDir, 'emp_ns'), ccd);
    const snippet = renderServerSnippet({
      caPath: gateway.ca,
      certPath: gateway.cert,
      keyPath: gateway.key,
      crlPath: gateway.crl,
      ccdDir,
      port: 1194, // a fresh namespace: every port is free
      proto: 'tcp',
      network: { cidr: '10.213.0.0/24' },
      routes: [{ network: '10.30.0.0', netmask: '255.255.0.0' }],
    });
    const file = join(dir.path, 'server.conf');
    await writeFile(file, `${snippet}verb 3\n`);
    return file;
  }

  /** A station's profile exactly as rendered (dev tun: the namespace has its own tun devices). */
  async function writeNamespaceClient(ca: TCaSigner, commonName: string): Promise<string> {
    const station = await stationWithKey(ca, 'ec-p256', commonName);
    const profile = renderClientProfile({
      remotes: [{ host: '127.0.0.1', port: 1194, proto: 'tcp' }],
      caPem: ca.certificatePem,
      certificatePem: station.certificate.certificatePem,
      privateKeyPem: station.privateKeyPem,
      verifyX509Name: { name: SERVER_NAME, type: 'name' },
    });
    const file = join(dir.path, `${commonName}.ovpn`);
    await writeFile(file, `${profile}connect-retry-max 1\n`, { mode: 0o600 });
    return file;
  }

  it('serves the exported snippet; the station gets its CCD address and routes; a station without an account is refused', async () => {
    // Not a skip: without a tun device this test cannot prove anything, and it must say so loudly.
    if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: full server mode needs it (modprobe tun, or give the container the tun device)');
    expect((await run('ip', ['netns', 'add', namespace])).code).toBe(0);
    expect((await run('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'])).code).toBe(0);
    const ca = await testCa('ec-p384');
    const serverConfig = await writeNamespaceServer(ca);
    const server = track(startOpenvpn(['--config', serverConfig], { cwd: dir.path, netns: namespace }));
    let client: TOpenvpnProcess | undefined;
    let stranger: TOpenvpnProcess | undefined;
    try {
      await server.waitFor(/Initialization Sequence Completed/);
      client = track(startOpenvpn(['--config', await writeNamespaceClient(ca, 'emp_ns')], { cwd: dir.path, netns: namespace }));
      const log = await client.waitFor(/Initialization Sequence Completed/);
      expect(log).toMatch(/PUSH_REPLY,.*route 10\.30\.0\.0 255\.255\.0\.0/);
      expect(log).toMatch(/PUSH_REPLY,.*route 10\.20\.0\.0 255\.255\.0\.0/);
      expect(log).toMatch(/PUSH_REPLY,.*ifconfig 10\.213\.0\.77 255\.255\.255\.0/);
      const addresses = await run('ip', ['netns', 'exec', namespace, 'ip', '-4', 'addr', 'show']);
      expect(addresses.stdout).toContain('inet 10.213.0.77/24');

      stranger = track(startOpenvpn(['--config', await writeNamespaceClient(ca, 'emp_without_account')], { cwd: dir.path, netns: namespace }));
      await server.waitFor(/client-config-dir authentication failed for common name 'emp_without_account'/, 30_000);
      expect(stranger.log()).not.toContain('Initialization Sequence Completed');
    } finally {
      await stopAll(stranger, client, server);
    }
  });
});
