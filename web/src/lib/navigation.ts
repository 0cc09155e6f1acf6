import type { TMe } from '@varco/api/contract';
import type { MessageKey } from './i18n/translate';

/** The console's own sections; links to them go through `resolve()` (base path). */
export type SectionRoute = '/' | '/employees' | '/me' | '/audit';

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
export function buildNavigation(me: Pick<TMe, 'permissions' | 'employeeId'>): NavigationItem[] {
  const can = (permission: string) => me.permissions.includes(permission);
  const section = (route: SectionRoute, label: MessageKey, description: MessageKey): NavigationItem => ({
    external: false,
    route,
    label,
    description,
  });
  const items: NavigationItem[] = [section('/', 'nav.home', 'nav.home.description')];
  if (can('employees:list')) items.push(section('/employees', 'nav.employees', 'nav.employees.description'));
  if (me.employeeId) items.push(section('/me', 'nav.me', 'nav.me.description'));
  if (can('audit:read')) items.push(section('/audit', 'nav.audit', 'nav.audit.description'));
  if (can('users:manage')) {
    items.push({ external: true, href: '/api/docs', label: 'nav.apiDocs', description: 'nav.apiDocs.description' });
  }
  if (can('queues:admin')) {
    items.push({ external: true, href: '/admin/queues', label: 'nav.queues', description: 'nav.queues.description' });
  }
  return items;
}

/** The platform health panel is for the people who can act on it: those who administer the queues. */
export function canSeeHealth(me: Pick<TMe, 'permissions'>): boolean {
  return me.permissions.includes('queues:admin');
}

export function isCurrentSection(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
