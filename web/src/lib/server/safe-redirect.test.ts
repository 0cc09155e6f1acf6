import { describe, expect, it } from 'vitest';
import { loginPath, safeLocalPath } from './safe-redirect';

describe('safeLocalPath', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeLocalPath('/employees?q=rossi&page=2')).toBe('/employees?q=rossi&page=2');
    expect(safeLocalPath('/employees/emp_0123456789')).toBe('/employees/emp_0123456789');
  });

  it.each([
    null,
    '',
    'employees',
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
  ])('refuses %s', (candidate) => {
    expect(safeLocalPath(candidate)).toBe('/');
  });

  it('uses the given fallback', () => {
    expect(safeLocalPath('//x', '/login')).toBe('/login');
  });
});

describe('loginPath', () => {
  it('carries the requested page in ?next=', () => {
    expect(loginPath(new URL('http://host/employees?q=a b'))).toBe('/login?next=%2Femployees%3Fq%3Da%2520b');
    expect(loginPath(new URL('http://host/'))).toBe('/login');
  });
});
