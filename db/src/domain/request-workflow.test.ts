import { describe, expect, it } from 'vitest';
import { availableActions, checkTransition, TRANSITIONS, type TRequestActor, type TRequestStatus } from './request-workflow.js';

const none: TRequestActor = { isOwner: false, isManagerOfOwner: false, isApprover: false, isHr: false, isHotline: false, isAdmin: false };
const hr = { ...none, isHr: true };
const employee = { ...none, isOwner: true };
const manager = { ...none, isApprover: true, isManagerOfOwner: true };
const otherApprover = { ...none, isApprover: true };
const hotline = { ...none, isHotline: true };
const selfManagingAdmin = { ...none, isOwner: true, isAdmin: true, isApprover: true, isManagerOfOwner: true };
const ALL_STATUSES = [...new Set(Object.values(TRANSITIONS).flatMap((t) => [...t.from, t.to]))] as TRequestStatus[];

describe('kit request state machine', () => {
  it('walks the whole happy path with the right people', () => {
    const steps: [Parameters<typeof checkTransition>[0]['action'], TRequestActor, TRequestStatus][] = [
      ['submit', employee, 'submitted'],
      ['approve', manager, 'approved'],
      ['start-fulfilment', hotline, 'in_fulfilment'],
      ['mark-ready', hotline, 'ready_for_installation'],
      ['mark-installed', hotline, 'installed'],
      ['accept', employee, 'delivered'],
      ['close', hotline, 'closed'],
    ];
    let status: TRequestStatus = 'draft';
    for (const [action, actor, expected] of steps) {
      const result = checkTransition({ action, status, actor, comment: null });
      expect(result, `${action} from ${status}`).toEqual({ ok: true, to: expected });
      status = expected;
    }
  });

  it('refuses every action from every state it does not start from', () => {
    for (const [action, transition] of Object.entries(TRANSITIONS)) {
      for (const status of ALL_STATUSES.filter((s) => !transition.from.includes(s))) {
        const result = checkTransition({ action: action as keyof typeof TRANSITIONS, status, actor: { ...selfManagingAdmin, isHotline: true }, comment: 'x' });
        expect(result.ok ? 'allowed' : result.code, `${action} from ${status}`).toBe('illegal_transition');
      }
    }
  });

  it('nobody approves their own request, not even an admin', () => {
    const result = checkTransition({ action: 'approve', status: 'submitted', actor: selfManagingAdmin, comment: null });
    expect(result).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/own request/) });
  });

  it('an approver who is not the manager, and the hot-line, cannot approve', () => {
    expect(checkTransition({ action: 'approve', status: 'submitted', actor: otherApprover, comment: null }).ok).toBe(false);
    expect(checkTransition({ action: 'approve', status: 'submitted', actor: hotline, comment: null }).ok).toBe(false);
  });

  it('with HR confirmation on, the manager approval waits for HR; HR confirms or rejects, never for themselves', () => {
    expect(checkTransition({ action: 'approve', status: 'submitted', actor: manager, comment: null, needsHrConfirmation: true })).toEqual({ ok: true, to: 'awaiting_hr' });
    expect(checkTransition({ action: 'hr-confirm', status: 'awaiting_hr', actor: hr, comment: null })).toEqual({ ok: true, to: 'approved' });
    expect(checkTransition({ action: 'hr-confirm', status: 'awaiting_hr', actor: manager, comment: null }).ok).toBe(false);
    expect(checkTransition({ action: 'hr-confirm', status: 'awaiting_hr', actor: { ...hr, isOwner: true }, comment: null }).ok).toBe(false);
    expect(checkTransition({ action: 'reject', status: 'awaiting_hr', actor: hr, comment: 'Nessun accordo firmato' })).toEqual({ ok: true, to: 'rejected' });
    expect(availableActions('awaiting_hr', hr)).toEqual(['hr-confirm', 'reject']);
  });

  it('rejection and loss need a reason', () => {
    expect(checkTransition({ action: 'reject', status: 'submitted', actor: manager, comment: '  ' })).toMatchObject({ code: 'comment_required' });
    expect(checkTransition({ action: 'report-lost', status: 'delivered', actor: employee, comment: null })).toMatchObject({ code: 'comment_required' });
  });

  it('lists the buttons each person sees', () => {
    expect(availableActions('submitted', manager)).toEqual(['approve', 'reject']);
    expect(availableActions('submitted', employee)).toEqual(['cancel']);
    expect(availableActions('installed', employee)).toEqual(['accept']);
    expect(availableActions('closed', none)).toEqual([]);
  });
});
