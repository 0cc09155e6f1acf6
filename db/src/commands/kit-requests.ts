import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { evaluateEligibility, todayInRome } from '../domain/eligibility.js';
import { ASSET_TYPE_FOR_KIND, CHECKLISTS, checkTransition, type TRequestAction, type TRequestActor, type TRequestStatus } from '../domain/request-workflow.js';
import type { TEligibilityProblem, TRefusalParams, TWorkflowRefusal } from '../domain/workflow-refusals.js';
import { newId } from '../ids.js';
import { agreements, assets, employees, users, jobProfiles, kitRequestEvents, kitRequestItems, kitRequests, services } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import { addToOutbox } from './outbox.js';
import { revokeCertificatesOfRequest } from './pki.js';

export type TRequestKind = (typeof kitRequestItems.$inferSelect)['kind'];

/** The signed-in user as the workflow needs them (roles decide, the employee link decides "own"). */
export interface TWorkflowUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  employeeId: string | null;
}

export class WorkflowError extends Error {
  /**
   * `message` is the rule in English (API clients, logs); `refusal` is the same rule as a stable code with its
   * parameters, which the console translates. Only "not found" has none: it must not say more than 404.
   */
  constructor(
    readonly code: 'not_found' | 'illegal_transition' | 'forbidden' | 'comment_required' | 'not_eligible' | 'conflict',
    message: string,
    readonly refusal: TWorkflowRefusal | null = null,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

const refusal = (reason: TWorkflowRefusal['reason'], params: TRefusalParams = {}): TWorkflowRefusal => ({ reason, params });

export function relationOf(user: TWorkflowUser, owner: { id: string; managerId: string | null }): TRequestActor {
  return {
    isOwner: user.employeeId === owner.id,
    isManagerOfOwner: user.employeeId !== null && owner.managerId === user.employeeId,
    isApprover: user.roles.includes('approver'),
    isHr: user.roles.includes('hr'),
    isHotline: user.roles.includes('hotline'),
    isAdmin: user.roles.includes('admin'),
  };
}

/**
 * Why the rules refuse these kinds for this employee, in plain words; [] when allowed. The agreement must be in
 * force and grant the technology (plan §2.1: "technology to be used" is part of the individual agreement).
 */
export async function eligibilityProblems(db: Db, params: { employeeId: string; kinds: TRequestKind[]; today?: string }): Promise<TEligibilityProblem[]> {
  const [row] = await db
    .select({ employee: employees, profile: jobProfiles, serviceCode: services.code, agreement: agreements })
    .from(employees)
    .innerJoin(jobProfiles, eq(jobProfiles.name, employees.jobProfile))
    .innerJoin(services, eq(services.id, employees.serviceId))
    .leftJoin(agreements, eq(agreements.employeeId, employees.id))
    .where(eq(employees.id, params.employeeId));
  if (!row) return [{ code: 'employee-missing', params: {}, message: 'The employee does not exist' }];
  const verdict = evaluateEligibility({
    active: row.employee.active,
    jobProfile: row.employee.jobProfile,
    profileRemoteAllowed: row.profile.remoteAllowed,
    serviceCode: row.serviceCode,
    serviceActivities: { total: 0, remote: 0 },
    agreement: row.agreement ? { startsOn: row.agreement.startsOn, endsOn: row.agreement.endsOn } : null,
    today: params.today ?? todayInRome(),
  });
  const problems: TEligibilityProblem[] = [];
  if (!row.employee.active) problems.push({ code: 'employee-inactive', params: {}, message: 'The employee is not active' });
  const profile = row.employee.jobProfile;
  if (!row.profile.remoteAllowed) problems.push({ code: 'profile-not-remote', params: { profile }, message: `The job profile "${profile}" may not work remotely (plan, Annex 1)` });
  else if (!verdict.agreementInForce) problems.push({ code: 'no-agreement-in-force', params: {}, message: 'There is no remote-work agreement in force today' });
  else {
    const granted = new Set(row.agreement?.technology ?? []);
    const missing = params.kinds.filter((kind) => !granted.has(kind));
    if (missing.length) problems.push({ code: 'technology-not-granted', params: { kinds: missing.join(',') }, message: `The agreement does not grant: ${missing.join(', ')}` });
  }
  return problems;
}

export async function createKitRequest(
  db: Db,
  params: { employeeId: string; kinds: TRequestKind[]; note: string | null; user: TWorkflowUser; actor: TActor },
) {
  return db.transaction(async (tx) => {
    const [owner] = await tx.select({ id: employees.id, managerId: employees.managerId }).from(employees).where(eq(employees.id, params.employeeId));
    if (!owner) throw new WorkflowError('not_found', 'No such employee');
    const relation = relationOf(params.user, owner);
    if (!relation.isOwner && !relation.isHotline && !relation.isAdmin) {
      throw new WorkflowError('forbidden', 'Only the employee or the hot-line may open a request for them', refusal('open-for-employee-or-hotline'));
    }
    const id = newId('request');
    const [request] = await tx
      .insert(kitRequests)
      .values({ id, employeeId: owner.id, createdByUserId: params.user.id, note: params.note })
      .returning();
    const kinds = [...new Set(params.kinds)];
    await tx.insert(kitRequestItems).values(kinds.map((kind) => ({ id: newId('item'), requestId: id, kind })));
    await addEvent(tx, { requestId: id, user: params.user, action: 'create', from: null, to: 'draft', comment: params.note });
    await writeAudit(tx, params.actor, { action: 'request.create', targetType: 'kit-request', targetId: id, after: { employeeId: owner.id, kinds } });
    return request!;
  });
}

/**
 * One step of the workflow, in one transaction: lock the row, check the step with the state machine (and the
 * eligibility rules at submit/approve), write the new state, the timeline event, the audit row and the
 * notification job. A double click finds the row already moved and gets `illegal_transition`.
 */
export async function transitionKitRequest(
  db: Db,
  params: {
    requestId: string;
    action: TRequestAction;
    comment: string | null;
    override?: boolean;
    /** Install setting: HR confirms VPN access after the manager approves (WORKFLOW_HR_CONFIRMS_VPN). */
    hrConfirmsVpn?: boolean;
    user: TWorkflowUser;
    actor: TActor;
  },
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ request: kitRequests, owner: { id: employees.id, managerId: employees.managerId } })
      .from(kitRequests)
      .innerJoin(employees, eq(employees.id, kitRequests.employeeId))
      .where(eq(kitRequests.id, params.requestId))
      .for('update', { of: kitRequests });
    if (!row) throw new WorkflowError('not_found', 'No such request');
    const from = row.request.status as TRequestStatus;
    const items = await tx.select().from(kitRequestItems).where(eq(kitRequestItems.requestId, params.requestId));
    const check = checkTransition({
      action: params.action,
      status: from,
      actor: relationOf(params.user, row.owner),
      comment: params.comment,
      needsHrConfirmation: params.hrConfirmsVpn === true && items.some((item) => item.kind === 'vpn'),
    });
    if (!check.ok) throw new WorkflowError(check.code, check.message, refusal(check.reason, check.params));
    const override = await checkEligibility(tx, { ...params, employeeId: row.owner.id });
    checkItemsFor(params.action, items);
    const acceptance = check.to === 'delivered' ? await acceptanceOf(tx, items) : undefined;
    const [updated] = await tx
      .update(kitRequests)
      .set({ status: check.to, ...timestampsFor(check.to), ...(override ? { eligibilityOverride: true } : {}), ...(acceptance ? { acceptance } : {}) })
      .where(and(eq(kitRequests.id, params.requestId), eq(kitRequests.status, from)))
      .returning();
    if (!updated) throw new WorkflowError('conflict', 'The request changed meanwhile; reload and try again', refusal('changed-meanwhile'));
    await applyItemEffects(tx, { requestId: params.requestId, to: check.to });
    if (check.to === 'lost') await revokeCertificatesOfRequest(tx, { requestId: params.requestId, actor: params.actor, comment: params.comment });
    const eventId = await addEvent(tx, { requestId: params.requestId, user: params.user, action: params.action, from, to: check.to, comment: params.comment });
    await writeAudit(tx, params.actor, {
      action: `request.${params.action}`,
      targetType: 'kit-request',
      targetId: params.requestId,
      before: { status: from },
      after: { status: check.to, comment: params.comment, ...(override ? { eligibilityOverride: true } : {}) },
    });
    await addToOutbox(tx, 'notify.request-event', { requestId: params.requestId, eventId });
    return updated;
  });
}

async function checkEligibility(
  tx: Db,
  params: { action: TRequestAction; requestId: string; employeeId: string; override?: boolean; comment: string | null },
): Promise<boolean> {
  if (params.action !== 'submit' && params.action !== 'approve') return false;
  const items = await tx.select({ kind: kitRequestItems.kind }).from(kitRequestItems).where(eq(kitRequestItems.requestId, params.requestId));
  const problems = await eligibilityProblems(tx, { employeeId: params.employeeId, kinds: items.map((item) => item.kind) });
  if (problems.length === 0) return false;
  if (params.action === 'approve' && params.override) {
    if (!params.comment?.trim()) throw new WorkflowError('comment_required', 'Overriding the eligibility rules needs a note saying why', refusal('override-needs-note'));
    return true;
  }
  // Submitting is allowed (the approver decides, and may override); approving without override is not.
  if (params.action === 'submit') return false;
  const message = `${problems.map((problem) => problem.message).join('. ')}. An approver may override with a note.`;
  // The problems' own parameters (profile, kinds) travel with their codes, so the console can word each one.
  const refusalParams = Object.assign({}, ...problems.map((problem) => problem.params), { problems: problems.map((problem) => problem.code).join(',') }) as TRefusalParams;
  throw new WorkflowError('not_eligible', message, refusal('not-eligible', refusalParams));
}

type TItem = typeof kitRequestItems.$inferSelect;

/** Steps that depend on the items: every hardware item has its asset before "ready"; every box ticked before "installed". */
function checkItemsFor(action: TRequestAction, items: TItem[]) {
  if (action === 'mark-ready') {
    const missing = items.filter((item) => ASSET_TYPE_FOR_KIND[item.kind] && !item.assetId).map((item) => item.kind);
    if (missing.length) throw new WorkflowError('illegal_transition', `Assign an asset to: ${missing.join(', ')}`, refusal('assets-missing', { kinds: missing.join(',') }));
    if (items.some((item) => item.kind === 'vpn' && item.status !== 'issued')) throw new WorkflowError('illegal_transition', 'Issue the station certificate of the VPN item first', refusal('certificate-first'));
  }
  if (action === 'mark-installed') {
    const open = items
      .filter((item) => item.status !== 'waiting_telephony')
      .flatMap((item) => (CHECKLISTS[item.kind] ?? []).filter((box) => !item.checklist[box]).map((box) => ({ kind: item.kind, box })));
    if (open.length) throw new WorkflowError('illegal_transition', `The installation checklist is not complete (${open.map((box) => `${box.kind}: ${box.box}`).join(', ')})`, refusal('checklist-incomplete', { boxes: [...new Set(open.map((box) => box.box))].join(',') }));
  }
}

/** What the employee accepts, frozen: items with model, serial, asset tag (and certificate serial once PKI binds it). */
async function acceptanceOf(tx: Db, items: TItem[]) {
  const assetIds = items.map((item) => item.assetId).filter((id): id is string => id !== null);
  const rows = assetIds.length ? await tx.select().from(assets).where(inArray(assets.id, assetIds)) : [];
  return {
    items: items.map((item) => {
      const asset = rows.find((row) => row.id === item.assetId);
      return { kind: item.kind, status: item.status, model: asset?.model ?? null, serial: asset?.serial ?? null, assetTag: asset?.assetTag ?? null, certificateId: item.certificateId };
    }),
  };
}

function timestampsFor(to: TRequestStatus) {
  const now = new Date();
  switch (to) {
    case 'submitted':
      return { submittedAt: now };
    case 'approved':
    case 'rejected':
      return { decidedAt: now };
    case 'installed':
      return { installedAt: now };
    case 'delivered':
      return { acceptedAt: now };
    default:
      return {};
  }
}

/** Softphone items wait for the telephony stage; installation marks every delivered item installed. */
async function applyItemEffects(tx: Db, params: { requestId: string; to: TRequestStatus }) {
  if (params.to === 'in_fulfilment') {
    await tx
      .update(kitRequestItems)
      .set({ status: 'waiting_telephony' })
      .where(and(eq(kitRequestItems.requestId, params.requestId), eq(kitRequestItems.kind, 'softphone')));
  }
  if (params.to === 'installed') {
    await tx
      .update(kitRequestItems)
      .set({ status: 'installed' })
      .where(and(eq(kitRequestItems.requestId, params.requestId), inArray(kitRequestItems.status, ['assigned', 'issued', 'pending'])));
  }
}

async function addEvent(
  tx: Db,
  params: { requestId: string; user: TWorkflowUser; action: string; from: string | null; to: string | null; comment: string | null; itemId?: string },
): Promise<string> {
  const id = newId('event');
  await tx.insert(kitRequestEvents).values({
    id,
    requestId: params.requestId,
    itemId: params.itemId ?? null,
    actorUserId: params.user.id,
    actorName: params.user.displayName,
    action: params.action,
    fromStatus: params.from,
    toStatus: params.to,
    comment: params.comment?.slice(0, 2000) ?? null,
  });
  return id;
}

/** The hot-line takes a request (or hands it back): who holds it shows in the queue and on the timeline. */
export async function assignKitRequest(db: Db, params: { requestId: string; assigneeUserId: string | null; user: TWorkflowUser; actor: TActor }) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(kitRequests).where(eq(kitRequests.id, params.requestId)).for('update');
    if (!before) throw new WorkflowError('not_found', 'No such request');
    if (!['approved', 'in_fulfilment', 'ready_for_installation', 'delivered'].includes(before.status)) {
      throw new WorkflowError('illegal_transition', 'Only requests waiting on the hot-line can be assigned', refusal('not-assignable-now'));
    }
    if (params.assigneeUserId) {
      const [assignee] = await tx.select({ roles: users.roles }).from(users).where(eq(users.id, params.assigneeUserId));
      if (!assignee || !assignee.roles.some((role) => role === 'hotline' || role === 'admin')) {
        throw new WorkflowError('conflict', 'Requests can be assigned to hot-line operators only', refusal('assignee-not-hotline'));
      }
    }
    const [after] = await tx.update(kitRequests).set({ assigneeUserId: params.assigneeUserId }).where(eq(kitRequests.id, params.requestId)).returning();
    await addEvent(tx, { requestId: params.requestId, user: params.user, action: params.assigneeUserId ? 'assign' : 'unassign', from: null, to: null, comment: null });
    await writeAudit(tx, params.actor, { action: 'request.assign', targetType: 'kit-request', targetId: params.requestId, before: { assigneeUserId: before.assigneeUserId }, after: { assigneeUserId: params.assigneeUserId } });
    return after!;
  });
}
