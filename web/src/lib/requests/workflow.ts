import type { TRequestDetail } from '@varco/api/contract';

export type RequestAction = TRequestDetail['actions'][number];
export type RequestStatus = TRequestDetail['status'];
export type RequestKind = TRequestDetail['kinds'][number];
export type RequestEvent = TRequestDetail['events'][number];

/** Steps that cannot be undone from the console: they ask "Conferma" on a second step, with or without JavaScript. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<RequestAction> = new Set(['cancel', 'reject', 'report-lost', 'return']);

/** Steps whose form offers a comment box; `required` mirrors the state machine's `needsComment`. */
export const COMMENT_ACTIONS: Readonly<Partial<Record<RequestAction, { required: boolean }>>> = {
  approve: { required: false },
  reject: { required: true },
  cancel: { required: false },
  return: { required: false },
  'report-lost': { required: true },
  close: { required: false },
};

/** The API refuses these without a comment (400 validation_failed): ask for it here first, in the user's language. */
export function commentRequired(action: RequestAction, override: boolean): boolean {
  return COMMENT_ACTIONS[action]?.required === true || (action === 'approve' && override);
}

/** The order the action forms appear in: the step forward first, the ways out last. */
export const ACTION_ORDER: readonly RequestAction[] = [
  'submit',
  'approve',
  'start-fulfilment',
  'mark-ready',
  'mark-installed',
  'accept',
  'close',
  'reject',
  'cancel',
  'return',
  'report-lost',
];

export function orderedActions(actions: readonly RequestAction[]): RequestAction[] {
  return ACTION_ORDER.filter((action) => actions.includes(action));
}

/**
 * A step answered with 409 may simply have been taken already (a double click, two tabs, a colleague):
 * the timeline has it and the reader may no longer take it. Then the console says "already done", kindly.
 */
export function alreadyDone(detail: Pick<TRequestDetail, 'events' | 'actions'>, action: RequestAction): boolean {
  return !detail.actions.includes(action) && detail.events.some((event) => event.action === action);
}

/**
 * Which asset type fulfils each kind (VPN and softphone are not hardware). Mirrors the db's ASSET_TYPE_FOR_KIND,
 * which the contract does not export yet.
 */
export const ASSET_TYPE_FOR_KIND: Readonly<Record<RequestKind, 'laptop' | 'dock' | 'webcam' | 'headset' | 'mobile-router' | null>> = {
  vpn: null,
  laptop: 'laptop',
  'docking-kit': 'dock',
  webcam: 'webcam',
  headset: 'headset',
  'mobile-router': 'mobile-router',
  softphone: null,
};

/** "Kit lavoro agile": what a remote worker usually needs (plan §2.5 c–e), ticked in one go. */
export const SMART_WORKING_KIT: readonly RequestKind[] = ['vpn', 'laptop', 'docking-kit', 'headset', 'webcam'];

/** The hot-line may be handed a request while it waits on them. */
export const ASSIGNABLE_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'approved',
  'in_fulfilment',
  'ready_for_installation',
  'delivered',
]);

/** Steps the hot-line may take on many requests at once from the queue. */
export const QUEUE_BULK_ACTIONS = ['start-fulfilment', 'close'] as const satisfies readonly RequestAction[];

export type StatusTone = 'success' | 'danger' | 'warning' | 'neutral';

/** Colour only reinforces the status text of the badge. */
export function statusTone(status: RequestStatus): StatusTone {
  switch (status) {
    case 'delivered':
    case 'closed':
    case 'installed':
      return 'success';
    case 'rejected':
    case 'cancelled':
    case 'lost':
      return 'danger';
    case 'submitted':
    case 'draft':
      return 'warning';
    default:
      return 'neutral';
  }
}

/**
 * Who the request is assigned to, as far as the timeline tells (the detail does not carry the assignee yet):
 * the actor of the latest "assign" event, or null when there is none or the latest one is "unassign".
 */
export function lastAssignment(events: readonly RequestEvent[]): string | null {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    if (event.action === 'unassign') return null;
    if (event.action === 'assign') return event.actorName ?? '';
  }
  return null;
}
