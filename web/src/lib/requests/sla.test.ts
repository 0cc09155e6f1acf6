import { describe, expect, it } from 'vitest';
import { formatHours, slaStatus } from './sla';

describe('slaStatus', () => {
  it('trusts the API on overdue and says by how much', () => {
    expect(slaStatus({ ageHours: 80, slaHours: 72, overdue: true })).toEqual({ state: 'overdue', hours: 8 });
  });

  it('marks the last quarter of the target as due soon', () => {
    expect(slaStatus({ ageHours: 60, slaHours: 72, overdue: false })).toEqual({ state: 'due-soon', hours: 12 });
    expect(slaStatus({ ageHours: 10, slaHours: 72, overdue: false })).toEqual({ state: 'on-time', hours: 62 });
  });

  it('never reports negative hours', () => {
    expect(slaStatus({ ageHours: 72.04, slaHours: 72, overdue: false })).toEqual({ state: 'due-soon', hours: 0 });
    expect(slaStatus({ ageHours: 1, slaHours: 72, overdue: true }).hours).toBe(0);
  });
});

describe('formatHours', () => {
  it('speaks minutes, hours and days in both languages', () => {
    expect(formatHours('it', 0.5)).toBe('30 minuti');
    expect(formatHours('en', 1)).toBe('1 hour');
    expect(formatHours('it', 26.4)).toBe('26 ore');
    expect(formatHours('it', 76)).toBe('3 giorni e 4 ore');
    expect(formatHours('en', 76)).toBe('3 days and 4 hours');
    expect(formatHours('en', 72)).toBe('3 days');
    expect(formatHours('it', 24 * 9 + 5)).toBe('9 giorni');
  });

  it('treats negative input as zero', () => {
    expect(formatHours('en', -3)).toBe('0 minutes');
  });
});
