import { formatIpv4, parseCidr } from '../pki/ipv4.js';
import { renderCcd, renderNftables, renderServerSnippet, type TRoute } from '../pki/index.js';

/** Files an installation keeps under one directory on the gateway (the snippet names them by absolute path). */
export const GATEWAY_FILES = { ca: 'ca.pem', cert: 'server.pem', key: 'server.key', crl: 'crl.pem', ccd: 'ccd' } as const;
export const DEFAULT_GATEWAY_DIR = '/etc/openvpn/server/varco';

export function cidrToRoute(cidr: string): TRoute {
  const net = parseCidr(cidr, 'route');
  return { network: formatIpv4(net.network), netmask: formatIpv4(net.mask) };
}

export interface TGatewayExportParams {
  server: { port: number; protocol: 'udp' | 'tcp' };
  profile: { subnet: string; routes: { network: string }[] };
  /** Every account of the profile with the CNs of its live station certificates (one CCD file per CN). */
  accounts: { tunnelAddress: string; commonNames: string[] }[];
  baseDir?: string;
}

/**
 * One gateway's OpenVPN configuration: the server snippet (routes of the profile pushed to everyone) and one CCD
 * file per station certificate CN with the account's static address. `ccd-exclusive` is on: a station without a
 * file here (no account on this profile) is refused even with a valid certificate.
 */
export function renderGatewayExport(params: TGatewayExportParams): { snippet: string; ccd: Record<string, string> } {
  const dir = (params.baseDir ?? DEFAULT_GATEWAY_DIR).replace(/\/+$/, '');
  const path = (name: string) => `${dir}/${name}`;
  const snippet = renderServerSnippet({
    caPath: path(GATEWAY_FILES.ca),
    certPath: path(GATEWAY_FILES.cert),
    keyPath: path(GATEWAY_FILES.key),
    crlPath: path(GATEWAY_FILES.crl),
    ccdDir: path(GATEWAY_FILES.ccd),
    port: params.server.port,
    proto: params.server.protocol,
    network: { cidr: params.profile.subnet },
    routes: params.profile.routes.map((route) => cidrToRoute(route.network)),
  });
  const netmask = formatIpv4(parseCidr(params.profile.subnet, 'subnet').mask);
  const ccd: Record<string, string> = {};
  for (const account of params.accounts) {
    for (const commonName of account.commonNames) ccd[commonName] = renderCcd({ ifconfigPush: { ip: account.tunnelAddress, netmask }, routes: [] });
  }
  return { snippet, ccd };
}

export function renderProfileFirewall(profile: { code: string; subnet: string; firewall: { cidr: string; ports: number[]; proto: 'tcp' | 'udp' }[] }): string {
  return renderNftables({ profileName: profile.code, vpnSubnet: profile.subnet, allowed: profile.firewall });
}

/** Checks a profile's network fields with the same parser the renderers use; returns a sentence or null. */
export function checkProfileNetworks(profile: { subnet: string; routes: { network: string }[]; firewall: { cidr: string }[] }): string | null {
  try {
    parseCidr(profile.subnet, 'subnet', [8, 29]);
    profile.routes.forEach((route, i) => parseCidr(route.network, `routes[${i}]`));
    profile.firewall.forEach((rule, i) => parseCidr(rule.cidr, `firewall[${i}]`));
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
