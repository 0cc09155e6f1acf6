import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { vpnProfiles, vpnServers } from '../schema/index.js';

/**
 * The demo's VPN platform, "servers by kind of user" as the plan asks: managers on their own small pool, standard
 * staff on two gateways, heavy users (GIS, CAD, big files) on their own. Each profile reaches only what it needs.
 */
const INTRANET = '10.20.0.0/16';
const PROFILES = [
  {
    code: 'dirigenti',
    name: 'Dirigenti',
    subnet: '10.8.0.0/24',
    routes: [{ network: INTRANET }, { network: '10.30.0.0/16' }],
    firewall: [
      { cidr: INTRANET, ports: [80, 443, 445, 3389], proto: 'tcp' as const },
      { cidr: '10.30.0.0/16', ports: [443], proto: 'tcp' as const },
    ],
    servers: [{ name: 'vpn-dir-1', host: 'vpn-dir1.comune.prato.it', port: 1194, protocol: 'udp' as const, capacity: 40 }],
  },
  {
    code: 'standard',
    name: 'Personale',
    subnet: '10.8.4.0/22',
    routes: [{ network: INTRANET }],
    firewall: [{ cidr: INTRANET, ports: [80, 443, 445], proto: 'tcp' as const }],
    servers: [
      { name: 'vpn-std-1', host: 'vpn-std1.comune.prato.it', port: 1194, protocol: 'udp' as const, capacity: 400 },
      { name: 'vpn-std-2', host: 'vpn-std2.comune.prato.it', port: 1194, protocol: 'udp' as const, capacity: 250 },
    ],
  },
  {
    code: 'heavy',
    name: 'Utenti intensivi (GIS, CAD)',
    subnet: '10.8.8.0/23',
    routes: [{ network: INTRANET }, { network: '10.40.0.0/16' }],
    firewall: [
      { cidr: INTRANET, ports: [80, 443, 445, 3389], proto: 'tcp' as const },
      { cidr: '10.40.0.0/16', ports: [443, 5432], proto: 'tcp' as const },
    ],
    servers: [
      { name: 'vpn-heavy-1', host: 'vpn-heavy1.comune.prato.it', port: 443, protocol: 'tcp' as const, capacity: 120 },
      { name: 'vpn-heavy-2', host: 'vpn-heavy2.comune.prato.it', port: 443, protocol: 'tcp' as const, capacity: 80 },
    ],
  },
];

export async function insertDemoVpn(tx: Db): Promise<{ profiles: number; servers: number }> {
  let servers = 0;
  for (const { servers: gateways, ...profile } of PROFILES) {
    const id = newId('vpnProfile');
    await tx.insert(vpnProfiles).values({ id, ...profile });
    await tx.insert(vpnServers).values(gateways.map((server) => ({ id: newId('vpnServer'), profileId: id, ...server })));
    servers += gateways.length;
  }
  return { profiles: PROFILES.length, servers };
}
