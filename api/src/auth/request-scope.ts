import type { TRequestScope, TUser, TWorkflowUser } from '@varco/db';

/** Requests: everyone sees their own; approvers also their reports'; hot-line, IT managers and admins all. */
export function requestScopeOf(user: TUser): TRequestScope {
  if (user.roles.some((role) => role === 'admin' || role === 'hotline' || role === 'it-manager' || role === 'hr')) return { kind: 'all' };
  if (!user.employeeId) return { kind: 'none' };
  if (user.roles.includes('approver')) return { kind: 'own-and-reports', employeeId: user.employeeId };
  return { kind: 'own', employeeId: user.employeeId };
}

export function workflowUserOf(user: TUser): TWorkflowUser {
  return { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, employeeId: user.employeeId };
}
