import { describe, expect, it } from 'vitest';
import { buildNavigation, isCurrentSection } from './navigation';

const hrefs = (permissions: string[], employeeId: string | null = null) =>
  buildNavigation({ permissions, employeeId }).map((item) => (item.external ? item.href : item.route));

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

describe('isCurrentSection', () => {
  it('matches a section and its sub-pages, Home only exactly', () => {
    expect(isCurrentSection('/employees/emp_1', '/employees')).toBe(true);
    expect(isCurrentSection('/employeesx', '/employees')).toBe(false);
    expect(isCurrentSection('/employees', '/')).toBe(false);
  });
});
