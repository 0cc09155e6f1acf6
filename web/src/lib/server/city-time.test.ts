import { describe, expect, it } from 'vitest';
import { cityLocalToIso } from './city-time';

describe('cityLocalToIso', () => {
  it('uses CET in winter and CEST in summer', () => {
    expect(cityLocalToIso('2026-01-15T09:30')).toBe('2026-01-15T09:30:00+01:00');
    expect(cityLocalToIso('2026-07-15T09:30')).toBe('2026-07-15T09:30:00+02:00');
  });

  it('handles the hours around the spring change', () => {
    expect(cityLocalToIso('2026-03-29T01:30')).toBe('2026-03-29T01:30:00+01:00');
    expect(cityLocalToIso('2026-03-29T03:30')).toBe('2026-03-29T03:30:00+02:00');
  });

  it('refuses anything that is not a datetime-local value', () => {
    expect(cityLocalToIso('2026-01-15')).toBeNull();
    expect(cityLocalToIso('yesterday')).toBeNull();
  });
});
