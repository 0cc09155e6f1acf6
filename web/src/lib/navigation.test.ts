import { describe, expect, it } from 'vitest';
import type { TRole } from '@varco/api/contract';
import { buildNavigation, canApprove, isCurrentSection } from './navigation';

const hrefs = (permissions: string[], employeeId: string | null = null, roles: TRole[] = []) =>
  buildNavigation({ permissions, employeeId, roles }).map((item) => (item.external ? item.href : item.route));
const labels = (permissions: string[], roles: TRole[] = []) =>
  buildNavigation({ permissions, employeeId: 'emp_0123456789', roles }).map((item) => item.label);

describe('buildNavigation', () => {
  it('gives an employee only Home and their own profile', () => {
    expect(hrefs(['employees:read', 'me:update'], 'emp_0123456789')).toEqual(['/', '/me']);
  });

  it('follows permissions, whatever the role', () => {
    expect(hrefs(['employees:list', 'employees:read'])).toEqual(['/', '/employees']);
    expect(hrefs(['employees:list', 'audit:read', 'queues:admin', 'users:manage'])).toEqual([
      '/',
      '/employees',
      '/audit',
      '/api/docs',
      '/admin/queues',
    ]);
  });
});

describe('request sections', () => {
  const employee = ['employees:read', 'me:update', 'requests:read', 'requests:create', 'requests:act'];
  const hotline = [...employee, 'employees:list', 'requests:fulfil', 'queue:read', 'assets:read', 'assets:write', 'reports:read'];

  it('gives an employee "My requests" and nothing of the hot-line', () => {
    expect(hrefs(employee, 'emp_0123456789', ['employee'])).toEqual(['/', '/requests', '/me']);
    expect(labels(employee, ['employee'])).toContain('nav.myRequests');
  });

  it('gives the hot-line the queue, the registry and the reports, but no approvals', () => {
    expect(hrefs(hotline, 'emp_0123456789', ['employee', 'hotline'])).toEqual([
      '/',
      '/requests',
      '/queue',
      '/assets',
      '/reports',
      '/employees',
      '/me',
    ]);
    expect(labels(hotline, ['employee', 'hotline'])).toContain('nav.requests');
  });

  it('gives approvers (and admins) the approvals page', () => {
    const approver = [...employee, 'employees:list', 'agreements:write', 'reports:read'];
    expect(hrefs(approver, 'emp_0123456789', ['employee', 'approver'])).toEqual([
      '/',
      '/requests',
      '/approvals',
      '/reports',
      '/employees',
      '/me',
    ]);
    expect(canApprove({ permissions: ['requests:act'], roles: ['admin'] })).toBe(true);
    expect(canApprove({ permissions: [], roles: ['approver'] })).toBe(false);
  });
});

describe('isCurrentSection', () => {
  it('matches a section and its sub-pages, Home only exactly', () => {
    expect(isCurrentSection('/employees/emp_1', '/employees')).toBe(true);
    expect(isCurrentSection('/employeesx', '/employees')).toBe(false);
    expect(isCurrentSection('/employees', '/')).toBe(false);
  });
});
