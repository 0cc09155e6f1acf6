import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, lifecycleDates } from './columns.js';
import { employees } from './directory.js';

/** A kind of VPN user (managers, standard staff, heavy users): its own subnet, routes and firewall rules. */
export const vpnProfiles = pgTable(
  'vpn_profiles',
  {
    id: idColumn(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** IPv4 CIDR the static tunnel addresses come from, e.g. 10.8.0.0/22. */
    subnet: text('subnet').notNull(),
    /** Intranet networks pushed to clients: [{ network: "10.1.0.0/16" }]. */
    routes: jsonb('routes').$type<{ network: string }[]>().notNull().default(sql`'[]'::jsonb`),
    /** What the profile may reach: [{ cidr, ports, proto }] → nftables. */
    firewall: jsonb('firewall').$type<{ cidr: string; ports: number[]; proto: 'tcp' | 'udp' }[]>().notNull().default(sql`'[]'::jsonb`),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex('vpn_profiles_code_uq').on(t.code)],
);

export const vpnServers = pgTable(
  'vpn_servers',
  {
    id: idColumn(),
    name: text('name').notNull(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    protocol: text('protocol', { enum: ['udp', 'tcp'] }).notNull(),
    /** Concurrent sessions the gateway is sized for; balancing weighs by it. */
    capacity: integer('capacity').notNull(),
    profileId: text('profile_id')
      .notNull()
      .references(() => vpnProfiles.id),
    enabled: boolean('enabled').notNull().default(true),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('vpn_servers_host_port_uq').on(t.host, t.port),
    check('vpn_servers_port_ck', sql`${t.port} between 1 and 65535`),
    check('vpn_servers_capacity_ck', sql`${t.capacity} >= 1`),
  ],
);

export const vpnAccounts = pgTable(
  'vpn_accounts',
  {
    id: idColumn(),
    employeeId: text('employee_id')
      .notNull()
      .references(() => employees.id),
    profileId: text('profile_id')
      .notNull()
      .references(() => vpnProfiles.id),
    /** Primary gateway (balanced by capacity at creation); the profile's other servers follow in failover order. */
    primaryServerId: text('primary_server_id')
      .notNull()
      .references(() => vpnServers.id),
    tunnelAddress: text('tunnel_address').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('vpn_accounts_employee_uq').on(t.employeeId),
    uniqueIndex('vpn_accounts_address_uq').on(t.profileId, t.tunnelAddress),
    index('vpn_accounts_server_idx').on(t.primaryServerId),
  ],
);
