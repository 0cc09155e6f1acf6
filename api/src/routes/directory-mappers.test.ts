import { describe, expect, it } from 'vitest';
import { ZSyncRunDetailQuery, type TPendingDisable } from '../contract/directory.js';
import { pageOfDisables } from './directory-mappers.js';

const person = (i: number, reason = 'vanished'): TPendingDisable => ({
  employeeId: `emp_${String(i).padStart(16, '0')}`,
  directoryId: `u${String(i).padStart(6, '0')}`,
  name: i === 7 ? 'Niccolò Dell’Acqua' : `Persona ${i}`,
  reason,
});
const list = Array.from({ length: 250 }, (_, i) => person(i, i % 10 === 0 ? 'disabled_in_directory' : 'vanished'));
const query = (raw: Record<string, string> = {}) => ZSyncRunDetailQuery.parse(raw);

describe('pageOfDisables', () => {
  it('pages the list by 100, in its order, with the whole list counted by reason', () => {
    const first = pageOfDisables(list, query());
    expect(first).toMatchObject({ page: 1, pageSize: 100, total: 250, listed: 250, byReason: { vanished: 225, disabled_in_directory: 25 } });
    expect(first.items.map((p) => p.directoryId)).toEqual(list.slice(0, 100).map((p) => p.directoryId));
    expect(pageOfDisables(list, query({ disablesPage: '3' })).items).toEqual(list.slice(200));
    expect(pageOfDisables(list, query({ disablesPage: '4' }))).toMatchObject({ items: [], page: 4, total: 250 });
  });

  it('searches names and directory ids, any case, and counts the matches apart from the list', () => {
    expect(pageOfDisables(list, query({ disablesSearch: 'U000123' }))).toMatchObject({ total: 1, listed: 250, items: [list[123]] });
    expect(pageOfDisables(list, query({ disablesSearch: 'niccolò dell' })).items).toEqual([list[7]]);
    const many = pageOfDisables(list, query({ disablesSearch: 'persona 1', disablesPage: '1' }));
    expect(many.total).toBe(list.filter((p) => p.name.startsWith('Persona 1')).length);
    expect(many.byReason).toEqual({ vanished: 225, disabled_in_directory: 25 });
    expect(pageOfDisables(list, query({ disablesSearch: 'nobody' }))).toMatchObject({ items: [], total: 0, listed: 250 });
  });

  it('refuses a page below 1 or a search over 100 characters (the route answers 400)', () => {
    expect(ZSyncRunDetailQuery.safeParse({ disablesPage: '0' }).success).toBe(false);
    expect(ZSyncRunDetailQuery.safeParse({ disablesSearch: 'x'.repeat(101) }).success).toBe(false);
  });
});
