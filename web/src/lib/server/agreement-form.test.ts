import { describe, expect, it } from 'vitest';
import { readAgreementForm, validateAgreement } from './agreement-form';

function formData(entries: [string, string][]): FormData {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
}

describe('agreement form', () => {
  it('turns a complete form into the API request', () => {
    const values = readAgreementForm(
      formData([
        ['daysPerWeek', '2'],
        ['technology', 'laptop'],
        ['technology', 'vpn'],
        ['activityIds', '12'],
        ['activityIds', '15'],
        ['startsOn', '2026-02-01'],
        ['endsOn', ''],
      ]),
    );
    expect(validateAgreement('it', values)).toEqual({
      success: true,
      request: { daysPerWeek: 2, technology: ['laptop', 'vpn'], activityIds: [12, 15], startsOn: '2026-02-01', endsOn: null },
    });
  });

  it('reports each wrong field in the reader’s language', () => {
    const values = readAgreementForm(
      formData([
        ['daysPerWeek', '6'],
        ['technology', 'teleporter'],
        ['activityIds', 'abc'],
        ['startsOn', ''],
      ]),
    );
    const result = validateAgreement('en', values);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(['activityIds', 'daysPerWeek', 'startsOn', 'technology']);
    expect(result.fieldErrors['daysPerWeek']).toMatch(/1 and 5/);
  });

  it('refuses an end date before the start date', () => {
    const values = readAgreementForm(
      formData([
        ['daysPerWeek', '1'],
        ['startsOn', '2026-03-01'],
        ['endsOn', '2026-02-01'],
      ]),
    );
    const result = validateAgreement('it', values);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.fieldErrors['endsOn']).toMatch(/precedente/);
  });
});
