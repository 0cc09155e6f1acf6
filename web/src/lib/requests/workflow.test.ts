import { describe, expect, it } from 'vitest';
import { alreadyDone, commentRequired, lastAssignment, orderedActions, statusTone } from './workflow';

const event = (action: string, actorName: string | null = 'Mario Rossi') => ({
  at: '2026-03-02T09:00:00.000Z',
  actorName,
  action,
  fromStatus: null,
  toStatus: null,
  comment: null,
});

describe('request workflow helpers', () => {
  it('asks for a comment where the state machine does, and for an override', () => {
    expect(commentRequired('reject', false)).toBe(true);
    expect(commentRequired('report-lost', false)).toBe(true);
    expect(commentRequired('approve', false)).toBe(false);
    expect(commentRequired('approve', true)).toBe(true);
    expect(commentRequired('cancel', false)).toBe(false);
  });

  it('orders the forms: forward first, ways out last', () => {
    expect(orderedActions(['cancel', 'reject', 'approve'])).toEqual(['approve', 'reject', 'cancel']);
  });

  it('recognises a step that was already taken (double click, second tab)', () => {
    expect(alreadyDone({ actions: ['start-fulfilment'], events: [event('create'), event('approve')] }, 'approve')).toBe(true);
    expect(alreadyDone({ actions: ['approve', 'reject'], events: [event('create')] }, 'approve')).toBe(false);
    expect(alreadyDone({ actions: [], events: [event('create')] }, 'approve')).toBe(false);
  });

  it('reads the assignee from the latest assignment event', () => {
    expect(lastAssignment([event('create'), event('assign', 'Anna Bianchi')])).toBe('Anna Bianchi');
    expect(lastAssignment([event('assign', 'Anna Bianchi'), event('unassign')])).toBeNull();
    expect(lastAssignment([event('create')])).toBeNull();
  });

  it('never relies on colour alone but gives one', () => {
    expect(statusTone('delivered')).toBe('success');
    expect(statusTone('rejected')).toBe('danger');
    expect(statusTone('in_fulfilment')).toBe('neutral');
  });
});
