import { describe, expect, it } from 'vitest';
import { describeReason } from './eligibility-reason';

describe('describeReason', () => {
  it('renders every documented code in both languages, with its params', () => {
    const reason = { code: 'service-remote-activities', params: { service: 'Cultura', remote: 21, total: 30 } };
    expect(describeReason('it', reason)).toContain('21');
    expect(describeReason('it', reason)).toContain('Cultura');
    expect(describeReason('en', reason)).toContain('30');
  });

  it('formats dates for the reader', () => {
    const reason = { code: 'agreement-expired', params: { endsOn: '2025-12-31' } };
    expect(describeReason('it', reason)).toContain('31 dicembre 2025');
    expect(describeReason('en', reason)).toContain('December 31, 2025');
  });

  it('says "no end date" for an open-ended agreement', () => {
    const reason = { code: 'agreement-active', params: { startsOn: '2026-01-01', endsOn: null } };
    expect(describeReason('it', reason)).not.toContain('{endsOn}');
    expect(describeReason('en', reason)).not.toContain('{endsOn}');
  });

  it('shows an unknown code as-is', () => {
    expect(describeReason('en', { code: 'brand-new-rule', params: {} })).toBe('brand-new-rule');
  });
});
