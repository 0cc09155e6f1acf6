import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { employees, vpnAccounts, vpnProfiles, vpnServers } from '../schema/index.js';

export type TVpnProfile = typeof vpnProfiles.$inferSelect;
export type TVpnServer = typeof vpnServers.$inferSelect;
export type TVpnAccount = typeof vpnAccounts.$inferSelect;

export async function listVpnProfiles(db: Db) {
  const [profiles, accounts] = await Promise.all([
    db.select().from(vpnProfiles).orderBy(asc(vpnProfiles.code)),
    db.select({ profileId: vpnAccounts.profileId, accounts: count() }).from(vpnAccounts).groupBy(vpnAccounts.profileId),
  ]);
  return profiles.map((profile) => ({ profile, accounts: accounts.find((row) => row.profileId === profile.id)?.accounts ?? 0 }));
}

export async function getVpnProfile(db: Db, params: { id: string }): Promise<TVpnProfile | null> {
  const [row] = await db.select().from(vpnProfiles).where(eq(vpnProfiles.id, params.id));
  return row ?? null;
}

/** Every gateway with its profile and how many accounts have it as primary (the load the balancing weighs). */
export async function listVpnServersWithLoad(db: Db) {
  const [servers, loads] = await Promise.all([
    db
      .select({ server: vpnServers, profile: { id: vpnProfiles.id, code: vpnProfiles.code, name: vpnProfiles.name } })
      .from(vpnServers)
      .innerJoin(vpnProfiles, eq(vpnProfiles.id, vpnServers.profileId))
      .orderBy(asc(vpnProfiles.code), asc(vpnServers.name)),
    db.select({ serverId: vpnAccounts.primaryServerId, accounts: count() }).from(vpnAccounts).groupBy(vpnAccounts.primaryServerId),
  ]);
  return servers.map((row) => ({ ...row, accounts: loads.find((load) => load.serverId === row.server.id)?.accounts ?? 0 }));
}

export async function getVpnServer(db: Db, params: { id: string }) {
  const [row] = await db.select({ server: vpnServers, profile: vpnProfiles }).from(vpnServers).innerJoin(vpnProfiles, eq(vpnProfiles.id, vpnServers.profileId)).where(eq(vpnServers.id, params.id));
  return row ?? null;
}

/** Enabled gateways of a profile in failover order for an account: its primary first, then the others by name. */
export function failoverOrder<T extends { id: string; name: string; enabled: boolean }>(servers: readonly T[], primaryServerId: string): T[] {
  const enabled = servers.filter((server) => server.enabled).sort((a, b) => a.name.localeCompare(b.name));
  const primary = enabled.find((server) => server.id === primaryServerId);
  return primary ? [primary, ...enabled.filter((server) => server !== primary)] : enabled;
}

/** An employee's VPN account with its profile and gateways in failover order, or null. */
export async function getVpnAccountOfEmployee(db: Db, params: { employeeId: string }) {
  const [row] = await db
    .select({ account: vpnAccounts, profile: vpnProfiles })
    .from(vpnAccounts)
    .innerJoin(vpnProfiles, eq(vpnProfiles.id, vpnAccounts.profileId))
    .where(eq(vpnAccounts.employeeId, params.employeeId));
  if (!row) return null;
  const servers = await db.select().from(vpnServers).where(eq(vpnServers.profileId, row.profile.id));
  return { ...row, servers: failoverOrder(servers, row.account.primaryServerId) };
}

/** getVpnAccountOfEmployee for many employees in two queries (a batch of CSR issuances); employee id → account. */
export async function getVpnAccountsOfEmployees(db: Db, params: { employeeIds: readonly string[] }) {
  const found = new Map<string, NonNullable<Awaited<ReturnType<typeof getVpnAccountOfEmployee>>>>();
  if (!params.employeeIds.length) return found;
  const rows = await db
    .select({ account: vpnAccounts, profile: vpnProfiles })
    .from(vpnAccounts)
    .innerJoin(vpnProfiles, eq(vpnProfiles.id, vpnAccounts.profileId))
    .where(inArray(vpnAccounts.employeeId, [...new Set(params.employeeIds)]));
  const profileIds = [...new Set(rows.map((row) => row.profile.id))];
  const servers = profileIds.length ? await db.select().from(vpnServers).where(inArray(vpnServers.profileId, profileIds)) : [];
  for (const row of rows) {
    const own = servers.filter((server) => server.profileId === row.profile.id);
    found.set(row.account.employeeId, { ...row, servers: failoverOrder(own, row.account.primaryServerId) });
  }
  return found;
}

/** What a gateway's export needs: the server, its profile, and every account of the profile (any may fail over here). */
export async function getVpnServerExport(db: Db, params: { serverId: string }) {
  const found = await getVpnServer(db, { id: params.serverId });
  if (!found) return null;
  const accounts = await db
    .select({ account: vpnAccounts, employee: { id: employees.id, firstName: employees.firstName, lastName: employees.lastName } })
    .from(vpnAccounts)
    .innerJoin(employees, eq(employees.id, vpnAccounts.employeeId))
    .where(and(eq(vpnAccounts.profileId, found.profile.id), eq(vpnAccounts.enabled, true)))
    .orderBy(asc(vpnAccounts.tunnelAddress));
  return { ...found, accounts };
}
