import type { TRole } from '../contract/common.js';

/** Roles by decreasing privilege: the first role that grants a permission is the one recorded in the audit log. */
export const ROLE_PRECEDENCE: readonly TRole[] = ['admin', 'it-manager', 'hotline', 'hr', 'approver', 'employee'];

const ALL: readonly TRole[] = ROLE_PRECEDENCE;

/** Who may do what. Scope (own data, team, everyone) is decided separately in `scope.ts`. */
export const PERMISSIONS = {
  'me:update': ALL,
  'services:read': ALL,
  'employees:read': ALL,
  'employees:list': ['approver', 'hr', 'hotline', 'it-manager', 'admin'],
  'agreements:write': ['approver', 'admin'],
  'audit:read': ['it-manager', 'admin'],
  'users:manage': ['admin'],
  'queues:admin': ['admin'],
  'requests:read': ALL,
  'requests:create': ['employee', 'hotline', 'admin'],
  /** Workflow steps: who may take which step is decided per request by the state machine. */
  'requests:act': ALL,
  'requests:fulfil': ['hotline', 'admin'],
  'queue:read': ['hotline', 'it-manager', 'admin'],
  'assets:read': ['hotline', 'it-manager', 'admin'],
  'assets:write': ['hotline', 'it-manager', 'admin'],
  'reports:read': ['approver', 'hr', 'hotline', 'it-manager', 'admin'],
  /** Directory sync settings, test connection, runs and their confirmation. */
  'directory:manage': ['admin'],
  /** Leavers' checklists: the hot-line does the kit returns, IT managers follow them. */
  'deprovisioning:read': ['hotline', 'it-manager', 'admin'],
  'deprovisioning:act': ['hotline', 'admin'],
  /** Station certificates: the hot-line issues, delivers, renews and revokes; IT managers follow. */
  'pki:read': ['hotline', 'it-manager', 'admin'],
  'pki:issue': ['hotline', 'admin'],
  /** The CA and CRL status page, a manual CRL publication. */
  'pki:admin': ['admin'],
  'vpn:read': ['hotline', 'it-manager', 'admin'],
  /** VPN profiles (subnet, routes, firewall) and gateways. */
  'vpn:manage': ['it-manager', 'admin'],
} as const satisfies Record<string, readonly TRole[]>;

export type TPermission = keyof typeof PERMISSIONS;
/** `public`: no session needed. `session`: any signed-in user. Everything else names a permission. */
export type TRouteAccess = 'public' | 'session' | TPermission;

export function grantingRole(roles: readonly string[], permission: TPermission): TRole | null {
  const allowed: readonly TRole[] = PERMISSIONS[permission];
  return ROLE_PRECEDENCE.find((role) => roles.includes(role) && allowed.includes(role)) ?? null;
}

export function permissionsOf(roles: readonly string[]): TPermission[] {
  return (Object.keys(PERMISSIONS) as TPermission[]).filter((permission) => grantingRole(roles, permission) !== null);
}

export function highestRole(roles: readonly string[]): TRole | null {
  return ROLE_PRECEDENCE.find((role) => roles.includes(role)) ?? null;
}
