/**
 * The kit request state machine (request → approve → issue → install → accept). Pure: the db commands ask it
 * whether an action is allowed for this actor in this state, and what the next state is. Everything the
 * console shows as "what comes next" also comes from here.
 */
import type { TWorkflowRefusal } from './workflow-refusals.js';

export type TRequestStatus =
  | 'draft'
  | 'submitted'
  | 'awaiting_hr'
  | 'approved'
  | 'rejected'
  | 'in_fulfilment'
  | 'ready_for_installation'
  | 'installed'
  | 'delivered'
  | 'closed'
  | 'cancelled'
  | 'returned'
  | 'lost';

export type TRequestAction =
  | 'submit'
  | 'approve'
  | 'hr-confirm'
  | 'reject'
  | 'start-fulfilment'
  | 'mark-ready'
  | 'mark-installed'
  | 'accept'
  | 'close'
  | 'cancel'
  | 'return'
  | 'report-lost';

/** How the actor relates to the request: decided by the caller from roles, employee and manager links. */
export interface TRequestActor {
  isOwner: boolean; // the employee the request is for
  isManagerOfOwner: boolean;
  isApprover: boolean;
  /** HR confirms VPN access after the manager's approval, when the install asks for it. */
  isHr: boolean;
  isHotline: boolean;
  isAdmin: boolean;
}

type TWho = (actor: TRequestActor) => boolean;
const owner: TWho = (a) => a.isOwner;
const hotline: TWho = (a) => a.isHotline || a.isAdmin;
// Nobody approves their own request, not even an admin who is also the owner.
const approverOfOwner: TWho = (a) => !a.isOwner && ((a.isApprover && a.isManagerOfOwner) || a.isAdmin);
const hrNotOwner: TWho = (a) => !a.isOwner && (a.isHr || a.isAdmin);

interface TTransition {
  from: readonly TRequestStatus[];
  to: TRequestStatus;
  who: TWho;
  /** A comment is mandatory (rejection reason, loss report…). */
  needsComment?: boolean;
}

export const TRANSITIONS: Record<TRequestAction, TTransition> = {
  submit: { from: ['draft'], to: 'submitted', who: (a) => owner(a) || hotline(a) },
  // With HR confirmation on (and a VPN item), the manager's approval leads to 'awaiting_hr' instead.
  approve: { from: ['submitted'], to: 'approved', who: approverOfOwner },
  'hr-confirm': { from: ['awaiting_hr'], to: 'approved', who: hrNotOwner },
  reject: { from: ['submitted', 'awaiting_hr'], to: 'rejected', who: (a) => approverOfOwner(a) || hrNotOwner(a), needsComment: true },
  'start-fulfilment': { from: ['approved'], to: 'in_fulfilment', who: hotline },
  'mark-ready': { from: ['in_fulfilment'], to: 'ready_for_installation', who: hotline },
  'mark-installed': { from: ['ready_for_installation'], to: 'installed', who: hotline },
  accept: { from: ['installed'], to: 'delivered', who: owner },
  close: { from: ['delivered'], to: 'closed', who: hotline },
  cancel: { from: ['draft', 'submitted', 'awaiting_hr', 'approved'], to: 'cancelled', who: (a) => owner(a) || hotline(a) },
  return: { from: ['delivered', 'closed'], to: 'returned', who: hotline },
  'report-lost': { from: ['delivered', 'closed'], to: 'lost', who: (a) => owner(a) || hotline(a), needsComment: true },
};

export type TTransitionCheck =
  | { ok: true; to: TRequestStatus }
  | ({ ok: false; code: 'illegal_transition' | 'forbidden' | 'comment_required'; message: string } & TWorkflowRefusal);

export function checkTransition(params: {
  action: TRequestAction;
  status: TRequestStatus;
  actor: TRequestActor;
  comment: string | null | undefined;
  /** HR must confirm this request after the manager (configured on, and the request holds a VPN item). */
  needsHrConfirmation?: boolean;
}): TTransitionCheck {
  const transition = TRANSITIONS[params.action];
  if (!transition.from.includes(params.status)) {
    return {
      ok: false,
      code: 'illegal_transition',
      message: `A request that is "${params.status}" cannot be ${params.action === 'approve' ? 'approved' : `given "${params.action}"`}`,
      reason: 'illegal-transition',
      params: { status: params.status, action: params.action },
    };
  }
  if (!transition.who(params.actor)) {
    const ownDecision = params.actor.isOwner && (params.action === 'approve' || params.action === 'reject');
    return ownDecision
      ? { ok: false, code: 'forbidden', message: 'Nobody may approve or reject their own request', reason: 'own-request', params: {} }
      : { ok: false, code: 'forbidden', message: 'Your role does not allow this step on this request', reason: 'role-not-allowed', params: {} };
  }
  if (transition.needsComment && !params.comment?.trim()) {
    return { ok: false, code: 'comment_required', message: 'This step needs a comment saying why', reason: 'comment-required', params: {} };
  }
  if (params.action === 'approve' && params.needsHrConfirmation) return { ok: true, to: 'awaiting_hr' };
  return { ok: true, to: transition.to };
}

/** The actions this actor could take now (drives the console's buttons). */
export function availableActions(status: TRequestStatus, actor: TRequestActor): TRequestAction[] {
  return (Object.keys(TRANSITIONS) as TRequestAction[]).filter((action) => {
    const transition = TRANSITIONS[action];
    return transition.from.includes(status) && transition.who(actor);
  });
}

/** Who holds the request in each state, for the employee's timeline ("who holds it now, what comes next"). */
export const HOLDER: Record<TRequestStatus, 'employee' | 'approver' | 'hr' | 'hotline' | 'nobody'> = {
  draft: 'employee',
  submitted: 'approver',
  awaiting_hr: 'hr',
  approved: 'hotline',
  rejected: 'nobody',
  in_fulfilment: 'hotline',
  ready_for_installation: 'hotline',
  installed: 'employee',
  delivered: 'hotline',
  closed: 'nobody',
  cancelled: 'nobody',
  returned: 'nobody',
  lost: 'nobody',
};

/** The installation checklist per kind of item: every box must be ticked before "installed". */
export const CHECKLISTS: Record<string, readonly string[]> = {
  vpn: ['vpn-client', 'certificate-installed', 'connection-tested'],
  laptop: ['office-software', 'disk-encryption', 'user-briefed'],
  'docking-kit': ['dock-connected', 'screen-keyboard-mouse'],
  webcam: ['device-tested'],
  headset: ['device-tested'],
  'mobile-router': ['sim-activated', 'device-tested'],
  softphone: ['softphone-configured'],
};

/** Which asset type fulfils a kind of item (VPN and softphone are not hardware). */
export const ASSET_TYPE_FOR_KIND: Record<string, string | null> = {
  vpn: null,
  laptop: 'laptop',
  'docking-kit': 'dock',
  webcam: 'webcam',
  headset: 'headset',
  'mobile-router': 'mobile-router',
  softphone: null,
};
