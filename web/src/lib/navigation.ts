import type { TMe } from '@varco/api/contract';
import type { MessageKey } from './i18n/translate';

/** The console's own sections; links to them go through `resolve()` (base path). */
export type SectionRoute =
  | '/'
  | '/requests'
  | '/approvals'
  | '/queue'
  | '/assets'
  | '/reports'
  | '/employees'
  | '/me'
  | '/audit'
  | '/directory'
  | '/deprovisioning'
  | '/certificates'
  | '/vpn/servers'
  | '/pki';

export type NavigationItem = {
  label: MessageKey;
  description: MessageKey;
} & (
  | { external: false; route: SectionRoute }
  /** Served by the API, outside this console: `rel="external"`, no client-side routing. */
  | { external: true; href: string }
);

/**
 * Navigation follows permissions, never role names: a new role gets the right menu by getting permissions.
 * `Home` is always first; the API's own pages are listed for whoever holds the matching admin permission.
 */
export function buildNavigation(me: Pick<TMe, 'permissions' | 'employeeId' | 'roles'>): NavigationItem[] {
  const can = (permission: string) => me.permissions.includes(permission);
  const section = (route: SectionRoute, label: MessageKey, description: MessageKey): NavigationItem => ({
    external: false,
    route,
    label,
    description,
  });
  const items: NavigationItem[] = [section('/', 'nav.home', 'nav.home.description')];
  if (can('requests:read')) {
    items.push(
      seesOthersRequests(me)
        ? section('/requests', 'nav.requests', 'nav.requests.description')
        : section('/requests', 'nav.myRequests', 'nav.myRequests.description'),
    );
  }
  if (canApprove(me)) items.push(section('/approvals', 'nav.approvals', 'nav.approvals.description'));
  if (can('queue:read')) items.push(section('/queue', 'nav.queue', 'nav.queue.description'));
  if (can('assets:read')) items.push(section('/assets', 'nav.assets', 'nav.assets.description'));
  if (can('reports:read')) items.push(section('/reports', 'nav.reports', 'nav.reports.description'));
  if (can('employees:list')) items.push(section('/employees', 'nav.employees', 'nav.employees.description'));
  if (me.employeeId) items.push(section('/me', 'nav.me', 'nav.me.description'));
  if (can('audit:read')) items.push(section('/audit', 'nav.audit', 'nav.audit.description'));
  if (can('deprovisioning:read')) items.push(section('/deprovisioning', 'nav.deprovisioning', 'nav.deprovisioning.description'));
  if (can('pki:read')) items.push(section('/certificates', 'nav.certificates', 'nav.certificates.description'));
  if (can('vpn:read')) items.push(section('/vpn/servers', 'nav.vpnServers', 'nav.vpnServers.description'));
  if (can('pki:read')) items.push(section('/pki', 'nav.pki', 'nav.pki.description'));
  if (can('directory:manage')) items.push(section('/directory', 'nav.directory', 'nav.directory.description'));
  if (can('users:manage')) {
    items.push({ external: true, href: '/api/docs', label: 'nav.apiDocs', description: 'nav.apiDocs.description' });
  }
  if (can('queues:admin')) {
    items.push({ external: true, href: '/admin/queues', label: 'nav.queues', description: 'nav.queues.description' });
  }
  return items;
}

/**
 * Whether the request list shows other people's requests too ("Richieste") or only the reader's ("Le mie
 * richieste"). The API scopes requests the way it scopes the staff list: whoever may list staff sees more than
 * their own (approvers their reports, hot-line and IT everyone).
 */
export function seesOthersRequests(me: Pick<TMe, 'permissions'>): boolean {
  return me.permissions.includes('requests:read') && me.permissions.includes('employees:list');
}

/**
 * Approving is a workflow step (`requests:act`, which everyone holds); the state machine lets only the employee's
 * manager (role approver) or an admin take it. There is no `requests:approve` permission to follow yet, so this
 * one entry reads roles; it goes back to a permission as soon as the API has one.
 */
export function canApprove(me: Pick<TMe, 'permissions' | 'roles'>): boolean {
  return me.permissions.includes('requests:act') && me.roles.some((role) => role === 'approver' || role === 'admin');
}

/** The platform health panel is for the people who can act on it: those who administer the queues. */
export function canSeeHealth(me: Pick<TMe, 'permissions'>): boolean {
  return me.permissions.includes('queues:admin');
}

export function isCurrentSection(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
