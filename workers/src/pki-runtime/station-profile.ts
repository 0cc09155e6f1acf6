import { renderClientProfile, type TRemote } from '../pki/index.js';

/**
 * Gateways get certificates whose CN starts with this prefix (`vpn-gw-<name>`, EKU serverAuth). Stations pin it
 * with `verify-x509-name … name-prefix`: with several gateways in failover, one exact name cannot fit them all,
 * and `remote-cert-tls server` already refuses station (clientAuth) certificates.
 */
export const GATEWAY_CN_PREFIX = 'vpn-gw-';

export function gatewayCommonName(serverName: string): string {
  return `${GATEWAY_CN_PREFIX}${serverName}`;
}

export interface TStationProfileParams {
  servers: readonly { host: string; port: number; protocol: 'udp' | 'tcp' }[];
  caPem: string;
  /** CSR flow: the certificate (the key stays on the station, next to the profile: `key station.key`). */
  certificatePem?: string;
  /** Server-key flow: the whole identity, encrypted under the one-time password. */
  pkcs12Der?: Buffer;
}

/** The station's .ovpn: its account's gateways in failover order, the CA, and its identity. */
export function renderStationProfile(params: TStationProfileParams): string {
  const remotes: TRemote[] = params.servers.map((server) => ({ host: server.host, port: server.port, proto: server.protocol }));
  const profile = renderClientProfile({
    remotes,
    caPem: params.caPem,
    ...(params.pkcs12Der ? { pkcs12Der: params.pkcs12Der } : { certificatePem: params.certificatePem! }),
    verifyX509Name: { name: GATEWAY_CN_PREFIX, type: 'name-prefix' },
  });
  // The CSR flow's key never left the station: the profile expects it beside itself.
  return params.pkcs12Der ? profile : `${profile}key station.key\n`;
}
