import { and, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { employees, vpnAccounts, vpnProfiles, vpnServers } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import { HEAD_PROFILE } from '../seed/job-profiles.js';

export class VpnError extends Error {
  constructor(
    readonly code: 'not_found' | 'vpn_no_profile' | 'vpn_no_servers' | 'vpn_subnet_full' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'VpnError';
  }
}

/** The profile a new account gets when nobody chose one: managers get "dirigenti", everybody else "standard". */
export const DEFAULT_PROFILE_CODE = 'standard';
const profileCodeFor = (jobProfile: string) => (jobProfile === HEAD_PROFILE ? 'dirigenti' : DEFAULT_PROFILE_CODE);

/** IPv4 text ↔ number (the database checked these CIDRs when profiles were saved). */
const toNumber = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toText = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

/**
 * The first free static tunnel address of a subnet. The network address, the first host (the gateway's own end of
 * `server …` with topology subnet) and the broadcast address are never handed out.
 */
export function firstFreeAddress(subnet: string, used: ReadonlySet<string>): string | null {
  const [base, prefixText] = subnet.split('/');
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = toNumber(base!);
  for (let host = 2; host < size - 1; host++) {
    const candidate = toText(network + host);
    if (!used.has(candidate)) return candidate;
  }
  return null;
}

/** Least accounts per unit of capacity; ties go to the bigger gateway, then by name (stable). */
export function pickPrimaryServer<T extends { id: string; name: string; capacity: number; enabled: boolean }>(servers: readonly T[], loads: ReadonlyMap<string, number>): T | null {
  const candidates = servers.filter((server) => server.enabled && server.capacity > 0);
  candidates.sort((a, b) => (loads.get(a.id) ?? 0) / a.capacity - (loads.get(b.id) ?? 0) / b.capacity || b.capacity - a.capacity || a.name.localeCompare(b.name));
  return candidates[0] ?? null;
}

/**
 * The employee's VPN account, created if missing: the profile (given, or by job profile), the gateway with the
 * lowest load/capacity, the first free address. The profile row is locked so two creations never take one address
 * (the unique index on (profile, address) would refuse the second anyway).
 */
export async function ensureVpnAccount(tx: Db, params: { employeeId: string; profileCode?: string | null; actor: TActor }) {
  const [existing] = await tx.select().from(vpnAccounts).where(eq(vpnAccounts.employeeId, params.employeeId));
  if (existing) return { account: existing, created: false };
  const [employee] = await tx.select({ jobProfile: employees.jobProfile }).from(employees).where(eq(employees.id, params.employeeId));
  if (!employee) throw new VpnError('not_found', 'No such employee');
  const code = params.profileCode ?? profileCodeFor(employee.jobProfile);
  const [profile] = await tx.select().from(vpnProfiles).where(eq(vpnProfiles.code, code)).for('update');
  if (!profile) throw new VpnError('vpn_no_profile', `There is no VPN profile "${code}": create it on the VPN page first`);
  const servers = await tx.select().from(vpnServers).where(eq(vpnServers.profileId, profile.id));
  const loads = await tx
    .select({ serverId: vpnAccounts.primaryServerId, accounts: count() })
    .from(vpnAccounts)
    .where(eq(vpnAccounts.profileId, profile.id))
    .groupBy(vpnAccounts.primaryServerId);
  const primary = pickPrimaryServer(servers, new Map(loads.map((row) => [row.serverId, row.accounts])));
  if (!primary) throw new VpnError('vpn_no_servers', `The VPN profile "${profile.code}" has no enabled gateway`);
  const used = await tx.select({ address: vpnAccounts.tunnelAddress }).from(vpnAccounts).where(eq(vpnAccounts.profileId, profile.id));
  const address = firstFreeAddress(profile.subnet, new Set(used.map((row) => row.address)));
  if (!address) throw new VpnError('vpn_subnet_full', `The subnet ${profile.subnet} of profile "${profile.code}" has no free address`);
  const [account] = await tx
    .insert(vpnAccounts)
    .values({ id: newId('vpnAccount'), employeeId: params.employeeId, profileId: profile.id, primaryServerId: primary.id, tunnelAddress: address })
    .returning();
  await writeAudit(tx, params.actor, {
    action: 'vpn.account.create',
    targetType: 'vpn-account',
    targetId: account!.id,
    after: { employeeId: params.employeeId, profile: profile.code, primaryServerId: primary.id, tunnelAddress: address },
  });
  return { account: account!, created: true };
}

export async function createVpnAccount(db: Db, params: { employeeId: string; profileCode?: string | null; actor: TActor }) {
  return db.transaction((tx) => ensureVpnAccount(tx, params));
}

export interface TVpnProfileInput {
  code: string;
  name: string;
  subnet: string;
  routes: { network: string }[];
  firewall: { cidr: string; ports: number[]; proto: 'tcp' | 'udp' }[];
}

export async function saveVpnProfile(db: Db, params: { id: string | null; input: TVpnProfileInput; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [before] = params.id ? await tx.select().from(vpnProfiles).where(eq(vpnProfiles.id, params.id)).for('update') : [];
    if (params.id && !before) throw new VpnError('not_found', 'No such VPN profile');
    const [clash] = await tx.select({ id: vpnProfiles.id }).from(vpnProfiles).where(and(eq(vpnProfiles.code, params.input.code), before ? sql`${vpnProfiles.id} <> ${before.id}` : undefined));
    if (clash) throw new VpnError('conflict', `Another profile already has the code "${params.input.code}"`);
    if (before && before.subnet !== params.input.subnet) {
      const [used] = await tx.select({ n: count() }).from(vpnAccounts).where(eq(vpnAccounts.profileId, before.id));
      if (used!.n > 0) throw new VpnError('conflict', 'The subnet of a profile with accounts cannot change (their static addresses come from it)');
    }
    const [saved] = before
      ? await tx.update(vpnProfiles).set(params.input).where(eq(vpnProfiles.id, before.id)).returning()
      : await tx.insert(vpnProfiles).values({ id: newId('vpnProfile'), ...params.input }).returning();
    await writeAudit(tx, params.actor, { action: before ? 'vpn.profile.update' : 'vpn.profile.create', targetType: 'vpn-profile', targetId: saved!.id, before: before ?? null, after: params.input });
    return saved!;
  });
}

export interface TVpnServerInput {
  name: string;
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  capacity: number;
  profileId: string;
  enabled: boolean;
}

export async function saveVpnServer(db: Db, params: { id: string | null; input: TVpnServerInput; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [profile] = await tx.select({ id: vpnProfiles.id }).from(vpnProfiles).where(eq(vpnProfiles.id, params.input.profileId));
    if (!profile) throw new VpnError('not_found', 'No such VPN profile');
    const [before] = params.id ? await tx.select().from(vpnServers).where(eq(vpnServers.id, params.id)).for('update') : [];
    if (params.id && !before) throw new VpnError('not_found', 'No such VPN server');
    if (before && before.profileId !== params.input.profileId) {
      const [used] = await tx.select({ n: count() }).from(vpnAccounts).where(eq(vpnAccounts.primaryServerId, before.id));
      if (used!.n > 0) throw new VpnError('conflict', 'A gateway with accounts cannot move to another profile');
    }
    const clash = await tx
      .select({ id: vpnServers.id })
      .from(vpnServers)
      .where(and(eq(vpnServers.host, params.input.host), eq(vpnServers.port, params.input.port), before ? sql`${vpnServers.id} <> ${before.id}` : undefined));
    if (clash.length) throw new VpnError('conflict', `Another gateway already uses ${params.input.host}:${params.input.port}`);
    const [saved] = before
      ? await tx.update(vpnServers).set(params.input).where(eq(vpnServers.id, before.id)).returning()
      : await tx.insert(vpnServers).values({ id: newId('vpnServer'), ...params.input }).returning();
    await writeAudit(tx, params.actor, { action: before ? 'vpn.server.update' : 'vpn.server.create', targetType: 'vpn-server', targetId: saved!.id, before: before ?? null, after: params.input });
    return saved!;
  });
}

/** A gateway nobody is bound to may go; one with accounts must be emptied (or disabled) first. */
export async function deleteVpnServer(db: Db, params: { id: string; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(vpnServers).where(eq(vpnServers.id, params.id)).for('update');
    if (!before) throw new VpnError('not_found', 'No such VPN server');
    const [used] = await tx.select({ n: count() }).from(vpnAccounts).where(eq(vpnAccounts.primaryServerId, before.id));
    if (used!.n > 0) throw new VpnError('conflict', `${used!.n} accounts use this gateway: disable it instead, so new accounts go elsewhere`);
    await tx.delete(vpnServers).where(eq(vpnServers.id, before.id));
    await writeAudit(tx, params.actor, { action: 'vpn.server.delete', targetType: 'vpn-server', targetId: before.id, before });
  });
}

/** A profile without gateways and accounts may go (accounts take their addresses from its subnet). */
export async function deleteVpnProfile(db: Db, params: { id: string; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(vpnProfiles).where(eq(vpnProfiles.id, params.id)).for('update');
    if (!before) throw new VpnError('not_found', 'No such VPN profile');
    const [servers] = await tx.select({ n: count() }).from(vpnServers).where(eq(vpnServers.profileId, before.id));
    const [accounts] = await tx.select({ n: count() }).from(vpnAccounts).where(eq(vpnAccounts.profileId, before.id));
    if (servers!.n > 0 || accounts!.n > 0) throw new VpnError('conflict', `The profile still has ${servers!.n} gateways and ${accounts!.n} accounts`);
    await tx.delete(vpnProfiles).where(eq(vpnProfiles.id, before.id));
    await writeAudit(tx, params.actor, { action: 'vpn.profile.delete', targetType: 'vpn-profile', targetId: before.id, before });
  });
}
