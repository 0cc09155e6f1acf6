import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, scratchDir } from '../pki/testing/run.js';
import { renderProfileFirewall } from './vpn-export.js';

/**
 * The per-profile nftables export loaded by the real `nft` (package nftables) inside a network namespace the test
 * creates and deletes (root, as the OpenVPN full-server test): nft accepts it, reads it back as written, replaces
 * it atomically on reload, keeps profiles apart, and really drops what the profile does not list.
 */
const namespace = `varco-nft-${process.pid}`;
const inNamespace = (command: string, args: string[], options?: { input?: string }) => run('ip', ['netns', 'exec', namespace, command, ...args], options);
let dir: Awaited<ReturnType<typeof scratchDir>>;

const staff = {
  code: 'staff',
  subnet: '10.8.0.0/24',
  firewall: [
    { cidr: '10.20.0.0/16', ports: [443, 3389, 443], proto: 'tcp' as const },
    { cidr: '10.30.1.5/32', ports: [53], proto: 'udp' as const },
  ],
};
const managers = { code: 'managers', subnet: '10.9.0.0/24', firewall: [{ cidr: '10.0.0.0/8', ports: [22], proto: 'tcp' as const }] };

async function load(profile: typeof staff, file: string) {
  const path = join(dir.path, file);
  await writeFile(path, renderProfileFirewall(profile));
  return inNamespace('nft', ['-f', path]);
}

async function listRuleset(): Promise<string> {
  const listed = await inNamespace('nft', ['list', 'ruleset']);
  expect(listed.code, listed.stderr).toBe(0);
  return listed.stdout;
}

/** A TCP connection from `source` to `target:port` inside the namespace: "connected", "refused" or "timeout". */
async function connect(source: string, target: string, port: number): Promise<string> {
  const script = [
    'import socket, sys',
    's = socket.socket(); s.settimeout(1.5); s.bind((sys.argv[1], 0))',
    'try:',
    '    s.connect((sys.argv[2], int(sys.argv[3]))); print("connected")',
    'except ConnectionRefusedError: print("refused")',
    'except socket.timeout: print("timeout")',
  ].join('\n');
  const result = await inNamespace('python3', ['-c', script, source, target, String(port)]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

beforeAll(async () => {
  dir = await scratchDir('nft-');
  const added = await run('ip', ['netns', 'add', namespace]);
  expect(added.code, added.stderr).toBe(0);
  expect((await inNamespace('ip', ['link', 'set', 'lo', 'up'])).code).toBe(0);
});
afterAll(async () => {
  await run('ip', ['netns', 'del', namespace]);
  await dir?.remove();
});

describe('nftables rule set of a VPN profile, loaded by nft', () => {
  it('loads with nft -f and reads back with the accepts before the drop, in input and forward', async () => {
    const loaded = await load(staff, 'staff.nft');
    expect(loaded.code, loaded.stderr).toBe(0);
    const ruleset = await listRuleset();
    expect(ruleset).toContain('table inet varco_vpn_staff {');
    for (const chain of ['input', 'forward']) {
      const body = ruleset.split(`chain ${chain} {`)[1]!.split('}\n')[0]!;
      expect(body).toContain(`type filter hook ${chain} priority filter; policy accept;`);
      expect(body).toContain('ip saddr 10.8.0.0/24 ct state established,related accept');
      expect(body).toContain('ip saddr 10.8.0.0/24 ip daddr 10.20.0.0/16 tcp dport { 443, 3389 } accept');
      // nft prints a /32 as a host and a one-port set as the port.
      expect(body).toContain('ip saddr 10.8.0.0/24 ip daddr 10.30.1.5 udp dport 53 accept');
      expect(body).toMatch(/ip saddr 10\.8\.0\.0\/24 counter packets \d+ bytes \d+ drop/);
      expect(body.lastIndexOf(' accept')).toBeLessThan(body.indexOf('drop'));
    }
  });

  it('a reload replaces the table atomically (no duplicate rules) and leaves other profiles alone', async () => {
    expect((await load(managers, 'managers.nft')).code).toBe(0);
    const changed = { ...staff, firewall: [{ cidr: '10.20.0.0/16', ports: [8443], proto: 'tcp' as const }] };
    const reloaded = await load(changed, 'staff-2.nft');
    expect(reloaded.code, reloaded.stderr).toBe(0);
    const ruleset = await listRuleset();
    expect(ruleset.match(/table inet varco_vpn_staff \{/g)).toHaveLength(1);
    expect(ruleset).not.toContain('3389');
    expect(ruleset.match(/ip saddr 10\.8\.0\.0\/24 ip daddr 10\.20\.0\.0\/16 tcp dport 8443 accept/g)).toHaveLength(2);
    expect(ruleset).toContain('table inet varco_vpn_managers {');
    expect(ruleset.match(/ip saddr 10\.9\.0\.0\/24 ip daddr 10\.0\.0\.0\/8 tcp dport 22 accept/g)).toHaveLength(2);
  });

  it('in force: the subnet reaches a listed port, a port it does not list is dropped (counted), other subnets pass', async () => {
    expect((await load(staff, 'staff.nft')).code).toBe(0);
    for (const address of ['10.8.0.5/32', '10.20.0.1/32', '10.50.0.5/32']) {
      expect((await inNamespace('ip', ['addr', 'add', address, 'dev', 'lo'])).code).toBe(0);
    }
    // Nothing listens: an accepted SYN is answered with a reset ("refused"); a dropped one gets no answer at all.
    expect(await connect('10.8.0.5', '10.20.0.1', 443)).toBe('refused');
    expect(await connect('10.8.0.5', '10.20.0.1', 22)).toBe('timeout');
    expect(await connect('10.50.0.5', '10.20.0.1', 22)).toBe('refused');
    const input = (await listRuleset()).split('table inet varco_vpn_staff {')[1]!.split('chain forward')[0]!;
    const dropped = /ip saddr 10\.8\.0\.0\/24 counter packets (\d+) bytes \d+ drop/.exec(input);
    expect(Number(dropped?.[1])).toBeGreaterThan(0);
  });
});
