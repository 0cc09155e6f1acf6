import { describe, expect, it } from 'vitest';
import {
  readBulkForm,
  readChecklistForm,
  readNewRequestForm,
  readTransitionForm,
  validateBulk,
  validateNewRequest,
  validateTransition,
} from './request-forms';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe('new request form', () => {
  it('reads kinds, note and intent and passes the contract', () => {
    const values = readNewRequestForm(form([['kinds', 'vpn'], ['kinds', 'laptop'], ['note', '  a casa  '], ['intent', 'draft']]));
    expect(values).toEqual({ employeeId: '', kinds: ['vpn', 'laptop'], note: 'a casa', intent: 'draft' });
    expect(validateNewRequest('it', values, { needsEmployee: false })).toEqual({
      success: true,
      request: { kinds: ['vpn', 'laptop'], note: 'a casa' },
    });
  });

  it('defaults to submitting', () => {
    expect(readNewRequestForm(form([])).intent).toBe('submit');
  });

  it('asks for at least one kind and a known one, in the user’s language', () => {
    const none = validateNewRequest('it', { employeeId: '', kinds: [], note: '' }, { needsEmployee: false });
    expect(none).toEqual({ success: false, fieldErrors: { kinds: 'Scegli almeno una voce della dotazione.' } });
    const unknown = validateNewRequest('en', { employeeId: '', kinds: ['pony'], note: '' }, { needsEmployee: false });
    expect(unknown).toEqual({ success: false, fieldErrors: { kinds: 'Choose at least one item.' } });
  });

  it('needs an employee when the reader has no record of their own, and a well-formed id', () => {
    const admin = validateNewRequest('en', { employeeId: '', kinds: ['vpn'], note: '' }, { needsEmployee: true });
    expect(admin.success).toBe(false);
    expect(!admin.success && admin.fieldErrors['employeeId']).toBe('Choose the employee the request is for.');
    const bad = validateNewRequest('en', { employeeId: 'usr_x', kinds: ['vpn'], note: '' }, { needsEmployee: false });
    expect(!bad.success && Object.keys(bad.fieldErrors)).toEqual(['employeeId']);
  });

  it('refuses a note over 2000 characters', () => {
    const long = validateNewRequest('it', { employeeId: '', kinds: ['vpn'], note: 'x'.repeat(2001) }, { needsEmployee: false });
    expect(!long.success && long.fieldErrors['note']).toMatch(/2000/);
  });
});

describe('transition form', () => {
  it('reads the override and confirmation flags', () => {
    expect(readTransitionForm(form([['action', 'approve'], ['override', 'true'], ['confirmed', 'true'], ['comment', ' ok ']]))).toEqual({
      action: 'approve',
      comment: 'ok',
      override: true,
      confirmed: true,
    });
  });

  it('requires a comment for reject, report-lost and an override', () => {
    const reject = validateTransition('it', { action: 'reject', comment: '', override: false, confirmed: false });
    expect(!reject.success && reject.fieldErrors['comment']).toMatch(/commento/);
    const override = validateTransition('en', { action: 'approve', comment: '', override: true, confirmed: false });
    expect(!override.success && override.fieldErrors['comment']).toMatch(/comment/);
    expect(validateTransition('en', { action: 'approve', comment: '', override: false, confirmed: false })).toEqual({
      success: true,
      request: { action: 'approve', comment: null, override: false },
    });
  });

  it('only approvals carry an override, and unknown actions are refused', () => {
    const cancel = validateTransition('en', { action: 'cancel', comment: 'changed my mind', override: true, confirmed: true });
    expect(cancel).toEqual({ success: true, request: { action: 'cancel', comment: 'changed my mind', override: false } });
    const unknown = validateTransition('en', { action: 'teleport', comment: '', override: false, confirmed: false });
    expect(!unknown.success && Object.keys(unknown.fieldErrors)).toEqual(['action']);
  });
});

describe('bulk form', () => {
  const id = (n: number) => `req_${String(n).padStart(10, '0')}`;

  it('dedupes the selection and checks the action is allowed here', () => {
    const values = readBulkForm(form([['requestIds', id(1)], ['requestIds', id(1)], ['requestIds', id(2)], ['action', 'approve']]));
    expect(values.requestIds).toEqual([id(1), id(2)]);
    expect(validateBulk('en', values, ['approve'])).toEqual({
      success: true,
      request: { requestIds: [id(1), id(2)], action: 'approve', comment: null },
    });
    const wrong = validateBulk('en', values, ['start-fulfilment']);
    expect(!wrong.success && Object.keys(wrong.fieldErrors)).toEqual(['action']);
  });

  it('asks for a selection', () => {
    const none = validateBulk('it', { requestIds: [], action: 'approve', comment: '' }, ['approve']);
    expect(!none.success && none.fieldErrors['requestIds']).toBe('Seleziona almeno una richiesta.');
  });
});

describe('checklist form', () => {
  it('turns boxes and ticks into per-item ticks, unticks included', () => {
    const ticks = readChecklistForm(
      form([
        ['box', 'itm_a:vpn-client'],
        ['box', 'itm_a:connection-tested'],
        ['box', 'itm_b:device-tested'],
        ['box', 'malformed'],
        ['tick', 'itm_a:vpn-client'],
        ['tick', 'itm_b:device-tested'],
      ]),
    );
    expect(Object.fromEntries(ticks)).toEqual({
      itm_a: { 'vpn-client': true, 'connection-tested': false },
      itm_b: { 'device-tested': true },
    });
  });
});
