import { ZAuditQuery, ZEmployeeListQuery } from '@varco/api/contract';
import { describe, expect, it } from 'vitest';
import { parseListQuery } from './list-query';

describe('parseListQuery', () => {
  it('applies the contract defaults', () => {
    expect(parseListQuery(ZEmployeeListQuery, {}).query).toEqual({ page: 1, pageSize: 25, sort: 'name' });
  });

  it('drops invalid parameters and keeps the rest', () => {
    const { query, invalid } = parseListQuery(ZEmployeeListQuery, {
      q: 'rossi',
      eligible: 'yes',
      sort: 'salary',
      page: '3',
    });
    expect(invalid.sort()).toEqual(['eligible', 'sort']);
    expect(query).toMatchObject({ q: 'rossi', page: 3, sort: 'name' });
    expect(query.eligible).toBeUndefined();
  });

  it('rejects audit times without an offset', () => {
    const { invalid } = parseListQuery(ZAuditQuery, { from: '2026-01-01T10:00', action: 'auth.login' });
    expect(invalid).toEqual(['from']);
  });
});
