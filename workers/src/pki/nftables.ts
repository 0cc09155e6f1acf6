import { PkiInputError } from './errors.js';
import { formatIpv4, parseCidr, type TIpv4Network } from './ipv4.js';
import { assertPort } from './validate.js';

export interface TNftablesParams {
  /** A slug (a–z, 0–9, _): it names the nftables table, so it must be unique per profile. */
  profileName: string;
  /** The profile's tunnel subnet, e.g. "10.8.0.0/24". */
  vpnSubnet: string;
  /** Destinations the profile may reach; everything else from the subnet is dropped. */
  allowed: { cidr: string; ports: number[]; proto: 'tcp' | 'udp' }[];
}

const fmt = (net: TIpv4Network): string => `${formatIpv4(net.network)}/${net.prefix}`;

/**
 * One table per profile, replaced atomically when loaded with `nft -f` (declare, delete, re-create in one
 * transaction). Both `input` (the gateway itself) and `forward` (the intranet) drop whatever the profile does
 * not list; traffic of other subnets is untouched (policy accept), so profiles' tables never interfere.
 * A rule with no ports is refused rather than read as "all ports": a wide-open rule must be written out on purpose.
 */
export function renderNftables(params: TNftablesParams): string {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(params.profileName)) throw new PkiInputError('profileName must be a slug: a-z, 0-9, _ (max 31)');
  const subnet = fmt(parseCidr(params.vpnSubnet, 'vpnSubnet', [8, 30]));
  if (params.allowed.length > 256) throw new PkiInputError('too many allowed destinations');
  const accepts = params.allowed.map((rule, i) => renderAccept(subnet, rule, i));
  const table = `inet varco_vpn_${params.profileName}`;
  const chain = (name: 'input' | 'forward') => [
    `\tchain ${name} {`,
    `\t\ttype filter hook ${name} priority filter; policy accept;`,
    `\t\tip saddr ${subnet} ct state established,related accept`,
    ...accepts.map((rule) => `\t\t${rule}`),
    `\t\tip saddr ${subnet} counter drop`,
    '\t}',
  ];
  return [
    '#!/usr/sbin/nft -f',
    `# Varco VPN profile "${params.profileName}": only the listed destinations are reachable from ${subnet}.`,
    `table ${table}`,
    `delete table ${table}`,
    `table ${table} {`,
    ...chain('input'),
    ...chain('forward'),
    '}',
    '',
  ].join('\n');
}

function renderAccept(subnet: string, rule: TNftablesParams['allowed'][number], index: number): string {
  const destination = fmt(parseCidr(rule.cidr, `allowed[${index}].cidr`));
  if (rule.proto !== 'tcp' && rule.proto !== 'udp') throw new PkiInputError(`allowed[${index}].proto must be tcp or udp`);
  if (rule.ports.length === 0 || rule.ports.length > 64) throw new PkiInputError(`allowed[${index}].ports must list 1 to 64 ports`);
  const ports = [...new Set(rule.ports.map((port) => assertPort(port, `allowed[${index}] port`)))].sort((a, b) => a - b);
  return `ip saddr ${subnet} ip daddr ${destination} ${rule.proto} dport { ${ports.join(', ')} } accept`;
}
