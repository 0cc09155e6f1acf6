import { describe, expect, it } from 'vitest';
import { toPem } from './der.js';
import { PkiInputError } from './errors.js';
import { renderCcd, renderClientProfile, renderNftables, renderServerSnippet, type TClientProfileParams } from './openvpn.js';

const cert = toPem('CERTIFICATE', Buffer.from('3003020101', 'hex'));
const key = toPem('PRIVATE KEY', Buffer.from('3003020102', 'hex'));
const tlsCrypt = [
  '#',
  '# 2048 bit OpenVPN static key',
  '#',
  '-----BEGIN OpenVPN Static key V1-----',
  ...Array.from({ length: 16 }, (_, i) => i.toString(16).repeat(32)),
  '-----END OpenVPN Static key V1-----',
  '',
].join('\n');

const profile: TClientProfileParams = {
  remotes: [
    { host: 'vpn1.comune.prato.it', port: 1194, proto: 'udp' },
    { host: '192.0.2.10', port: 443, proto: 'tcp' },
  ],
  caPem: cert,
  certificatePem: cert,
  verifyX509Name: { name: 'vpn', type: 'name-prefix' },
};

describe('renderClientProfile', () => {
  it('writes the client directives, remotes in failover order, and inline PEMs', () => {
    const text = renderClientProfile({ ...profile, privateKeyPem: key, extra: { tlsCrypt } });
    const lines = text.split('\n');
    for (const directive of ['client', 'dev tun', 'resolv-retry infinite', 'nobind', 'persist-key', 'remote-cert-tls server']) {
      expect(lines).toContain(directive);
    }
    expect(lines.filter((line) => line.startsWith('remote '))).toEqual(['remote vpn1.comune.prato.it 1194 udp', 'remote 192.0.2.10 443 tcp']);
    expect(text).not.toContain('remote-random');
    expect(lines).toContain('verify-x509-name "vpn" name-prefix');
    expect(lines).toContain('data-ciphers AES-256-GCM:AES-128-GCM');
    expect(text).toContain(`<ca>\n${cert}</ca>`);
    expect(text).toContain(`<key>\n${key}</key>`);
    expect(text).toContain('<tls-crypt>\n-----BEGIN OpenVPN Static key V1-----\n0000');
    expect(text).not.toContain('# 2048 bit');
  });

  it('leaves the key out in the CSR flow', () => {
    expect(renderClientProfile(profile)).not.toContain('<key>');
  });

  it('carries a PKCS#12 inline in base64 instead of <cert>/<key> (one file for the server-side key flow)', () => {
    const p12 = Buffer.alloc(100, 0x30);
    const text = renderClientProfile({ ...profile, certificatePem: undefined, pkcs12Der: p12 });
    expect(text).toContain(`<pkcs12>\n${p12.toString('base64').slice(0, 64)}\n`);
    expect(text).not.toContain('<cert>');
    expect(text).not.toContain('<key>');
    expect(() => renderClientProfile({ ...profile, pkcs12Der: p12 })).toThrow(PkiInputError);
    expect(() => renderClientProfile({ ...profile, certificatePem: undefined })).toThrow(PkiInputError);
  });

  it.each([
    ['a newline in a host', { remotes: [{ host: 'vpn\nup /bin/sh', port: 1194, proto: 'udp' }] }],
    ['a space in a host', { remotes: [{ host: 'vpn 1', port: 1194, proto: 'udp' }] }],
    ['port 0', { remotes: [{ host: 'vpn', port: 0, proto: 'udp' }] }],
    ['port 70000', { remotes: [{ host: 'vpn', port: 70_000, proto: 'udp' }] }],
    ['an unknown proto', { remotes: [{ host: 'vpn', port: 1194, proto: 'icmp' }] }],
    ['no remotes', { remotes: [] }],
    ['a quote in the x509 name', { verifyX509Name: { name: 'vpn" up /x', type: 'name' } }],
    ['a newline in the x509 name', { verifyX509Name: { name: 'vpn\nscript-security 2', type: 'name' } }],
    ['an unknown x509 name type', { verifyX509Name: { name: 'vpn', type: 'regex' } }],
    ['text around the CA PEM', { caPem: `${cert}</ca>\nup /bin/sh\n<ca>\n${cert}` }],
    ['a key where the certificate goes', { certificatePem: key }],
    ['two certificates', { certificatePem: cert + cert }],
    ['a tls-crypt key with a directive', { extra: { tlsCrypt: `${tlsCrypt}up /bin/sh\n` } }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => renderClientProfile({ ...profile, ...(overrides as Partial<TClientProfileParams>) })).toThrow(PkiInputError);
  });
});

describe('renderServerSnippet', () => {
  const params = {
    caPath: '/etc/openvpn/varco/ca.pem',
    certPath: '/etc/openvpn/varco/server.pem',
    keyPath: '/etc/openvpn/varco/server.key',
    crlPath: '/etc/openvpn/varco/crl.pem',
    ccdDir: '/etc/openvpn/varco/ccd',
    port: 1194,
    proto: 'udp' as const,
    network: { cidr: '10.8.0.0/24' },
    routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }],
  };

  it('writes server mode with CRL, required client certificates and the CCD directory', () => {
    const lines = renderServerSnippet(params).split('\n');
    for (const directive of [
      'port 1194',
      'proto udp',
      'dev tun',
      'topology subnet',
      'server 10.8.0.0 255.255.255.0',
      'crl-verify /etc/openvpn/varco/crl.pem',
      'verify-client-cert require',
      'remote-cert-tls client',
      'client-config-dir /etc/openvpn/varco/ccd',
      'ccd-exclusive',
      'push "route 10.20.0.0 255.255.0.0"',
    ]) {
      expect(lines).toContain(directive);
    }
    expect(renderServerSnippet({ ...params, proto: 'tcp', ccdExclusive: false })).toMatch(/^proto tcp-server$/m);
    expect(renderServerSnippet({ ...params, ccdExclusive: false })).not.toContain('ccd-exclusive');
  });

  it.each([
    ['a relative path', { caPath: 'ca.pem' }],
    ['a path with a space', { crlPath: '/etc/openvpn/crl.pem\nup /bin/sh' }],
    ['a path going up', { ccdDir: '/etc/../tmp' }],
    ['host bits in the network', { network: { cidr: '10.8.0.1/24' } }],
    ['a /31 network', { network: { cidr: '10.8.0.0/31' } }],
    ['a bad route mask', { routes: [{ network: '10.20.0.0', netmask: '255.0.255.0' }] }],
    ['host bits in a route', { routes: [{ network: '10.20.0.1', netmask: '255.255.0.0' }] }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => renderServerSnippet({ ...params, ...overrides })).toThrow(PkiInputError);
  });
});

describe('renderCcd', () => {
  it('pushes the static address and routes', () => {
    expect(renderCcd({ ifconfigPush: { ip: '10.8.0.10', netmask: '255.255.255.0' }, routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }] })).toBe(
      'ifconfig-push 10.8.0.10 255.255.255.0\npush "route 10.20.0.0 255.255.0.0"\n',
    );
  });

  it.each(['10.8.0.0', '10.8.0.255', '10.8.0.010', '10.8.0.1\nexec', '300.1.1.1'])('refuses %j', (ip) => {
    expect(() => renderCcd({ ifconfigPush: { ip, netmask: '255.255.255.0' }, routes: [] })).toThrow(PkiInputError);
  });
});

describe('renderNftables', () => {
  const params = {
    profileName: 'staff',
    vpnSubnet: '10.8.0.0/24',
    allowed: [
      { cidr: '10.20.0.0/16', ports: [443, 3389, 443], proto: 'tcp' as const },
      { cidr: '10.30.1.5/32', ports: [53], proto: 'udp' as const },
    ],
  };

  it('accepts the listed destinations and drops the rest of the subnet, in input and forward', () => {
    const text = renderNftables(params);
    expect(text).toContain('table inet varco_vpn_staff {');
    expect(text).toContain('delete table inet varco_vpn_staff');
    for (const chain of ['input', 'forward']) expect(text).toContain(`type filter hook ${chain} priority filter; policy accept;`);
    expect(text.match(/ip saddr 10\.8\.0\.0\/24 ct state established,related accept/g)).toHaveLength(2);
    expect(text.match(/ip saddr 10\.8\.0\.0\/24 ip daddr 10\.20\.0\.0\/16 tcp dport \{ 443, 3389 \} accept/g)).toHaveLength(2);
    expect(text).toContain('ip daddr 10.30.1.5/32 udp dport { 53 } accept');
    // The drop comes after every accept in each chain.
    for (const chain of text.split('chain ').slice(1)) {
      expect(chain.lastIndexOf('accept')).toBeLessThan(chain.indexOf('counter drop'));
    }
  });

  it.each([
    ['a profile name with spaces', { profileName: 'staff; flush ruleset' }],
    ['a subnet with host bits', { vpnSubnet: '10.8.0.5/24' }],
    ['a rule without ports', { allowed: [{ cidr: '10.0.0.0/8', ports: [], proto: 'tcp' }] }],
    ['a bad port', { allowed: [{ cidr: '10.0.0.0/8', ports: [0], proto: 'tcp' }] }],
    ['a bad proto', { allowed: [{ cidr: '10.0.0.0/8', ports: [22], proto: 'sctp' }] }],
    ['a bad destination', { allowed: [{ cidr: '10.0.0.0/8 } accept', ports: [22], proto: 'tcp' }] }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => renderNftables({ ...params, ...(overrides as Partial<typeof params>) })).toThrow(PkiInputError);
  });
});
