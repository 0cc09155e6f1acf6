import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords, readActivityMap, readTransversalActivities } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks (CRLF or LF)', () => {
    const text = 'a,"b, ""c""",d\r\n"multi\r\nline",,"x\ny"\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b, "c"', 'd'],
      ['multi\r\nline', '', 'x\ny'],
    ]);
  });

  it('keeps a last line without a line break, a trailing empty field and skips a BOM', () => {
    expect(parseCsv('\ufeffa,b\nc,')).toEqual([
      ['a', 'b'],
      ['c', ''],
    ]);
  });

  it('refuses an unterminated quote and a quote inside an unquoted field', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c"\n')).toThrow(/stray quote/);
  });
});

describe('parseCsvRecords', () => {
  it('keys records by header and trims fields', () => {
    expect(parseCsvRecords('x,y\n 1 ,"2"\n', ['y', 'x'])).toEqual([{ x: '1', y: '2' }]);
  });

  it('refuses a missing column and a row of the wrong width', () => {
    expect(() => parseCsvRecords('x\n1\n', ['y'])).toThrow(/missing column "y"/);
    expect(() => parseCsvRecords('x,y\n1\n', ['x'])).toThrow(/record 1 has 1 fields/);
  });
});

describe('seed-data readers', () => {
  it('reads the 676 activities of the plan, 544 of them at least partly remote', () => {
    const activities = readActivityMap();
    expect(activities).toHaveLength(676);
    expect(activities.filter((a) => a.mode === 'smart' || a.mode === 'partial')).toHaveLength(544);
    expect(new Set(activities.map((a) => a.mode))).toEqual(new Set(['smart', 'partial', 'presence', 'outsourced']));
    expect(activities.every((a) => /^[A-Z]{2}$/.test(a.serviceCode) && a.activity !== '')).toBe(true);
  });

  it('reads the 11 transversal activities with their modes', () => {
    const rows = readTransversalActivities();
    expect(rows.length).toBeGreaterThanOrEqual(23);
    const cp = rows.find((r) => r.serviceCode === 'CP')!;
    expect(Object.keys(cp.modes).length).toBeLessThanOrEqual(11);
    expect(cp.modes['Vigilanza e custodia']).toBe('presence');
  });
});
