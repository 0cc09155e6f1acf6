import {
  REQUEST_ACTIONS,
  ZBulkTransition,
  ZCreateRequest,
  ZTransitionRequest,
  type TCreateRequest,
  type TLocale,
  type TTransitionRequest,
} from '@varco/api/contract';
import { translate } from '../i18n/translate';
import { commentRequired, type RequestAction } from '../requests/workflow';
import type { BulkTransition } from './api-types';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};
const list = (form: FormData, name: string) =>
  form.getAll(name).filter((value): value is string => typeof value === 'string' && value !== '');

type Validation<T> = { success: true; request: T } | { success: false; fieldErrors: Record<string, string> };

export function isRequestAction(value: string): value is RequestAction {
  return (REQUEST_ACTIONS as readonly string[]).includes(value);
}

/* ---------------------------------------------------------------- new request */

export interface NewRequestValues {
  employeeId: string;
  kinds: string[];
  note: string;
}

export function readNewRequestForm(form: FormData): NewRequestValues & { intent: 'submit' | 'draft' } {
  return {
    employeeId: text(form, 'employeeId'),
    kinds: list(form, 'kinds'),
    note: text(form, 'note'),
    intent: text(form, 'intent') === 'draft' ? 'draft' : 'submit',
  };
}

/**
 * The contract's schema decides; messages come out in the user's language. `needsEmployee`: the reader has no
 * employee record of their own (an admin), so "for me" does not exist and someone must be chosen.
 */
export function validateNewRequest(
  locale: TLocale,
  values: NewRequestValues,
  options: { needsEmployee: boolean },
): Validation<TCreateRequest> {
  const parsed = ZCreateRequest.safeParse({
    ...(values.employeeId ? { employeeId: values.employeeId } : {}),
    kinds: values.kinds,
    note: values.note === '' ? null : values.note,
  });
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field === 'kinds') fieldErrors['kinds'] ??= translate(locale, 'newRequest.error.kinds');
      else if (field === 'note') fieldErrors['note'] ??= translate(locale, 'newRequest.error.note');
      else if (field === 'employeeId') fieldErrors['employeeId'] ??= translate(locale, 'newRequest.error.employeeId');
    }
  }
  if (options.needsEmployee && !values.employeeId) {
    fieldErrors['employeeId'] = translate(locale, 'newRequest.error.employeeId');
  }
  if (parsed.success && Object.keys(fieldErrors).length === 0) return { success: true, request: parsed.data };
  if (Object.keys(fieldErrors).length === 0) fieldErrors['form'] = translate(locale, 'form.fixErrors');
  return { success: false, fieldErrors };
}

/* ---------------------------------------------------------------- one workflow step */

export interface TransitionValues {
  action: string;
  comment: string;
  override: boolean;
  /** The second step of a destructive action ("Conferma") was pressed. */
  confirmed: boolean;
}

export function readTransitionForm(form: FormData): TransitionValues {
  return {
    action: text(form, 'action'),
    comment: text(form, 'comment'),
    override: form.get('override') === 'true',
    confirmed: form.get('confirmed') === 'true',
  };
}

export function validateTransition(locale: TLocale, values: TransitionValues): Validation<TTransitionRequest> {
  if (!isRequestAction(values.action)) {
    return { success: false, fieldErrors: { action: translate(locale, 'request.error.action') } };
  }
  // Overriding the rules is the approver's call at approval time, nothing else.
  const override = values.action === 'approve' && values.override;
  if (commentRequired(values.action, override) && values.comment === '') {
    return { success: false, fieldErrors: { comment: translate(locale, 'request.error.comment') } };
  }
  const parsed = ZTransitionRequest.safeParse({
    action: values.action,
    comment: values.comment === '' ? null : values.comment,
    override,
  });
  if (!parsed.success) return { success: false, fieldErrors: { comment: translate(locale, 'request.error.comment') } };
  return { success: true, request: parsed.data };
}

/* ---------------------------------------------------------------- many requests at once */

export interface BulkValues {
  requestIds: string[];
  action: string;
  comment: string;
}

export function readBulkForm(form: FormData): BulkValues {
  return { requestIds: [...new Set(list(form, 'requestIds'))], action: text(form, 'action'), comment: text(form, 'comment') };
}

export function validateBulk(
  locale: TLocale,
  values: BulkValues,
  allowed: readonly RequestAction[],
): Validation<BulkTransition> {
  const fieldErrors: Record<string, string> = {};
  if (!isRequestAction(values.action) || !allowed.includes(values.action)) {
    fieldErrors['action'] = translate(locale, 'bulk.error.action');
  }
  const parsed = ZBulkTransition.safeParse({
    requestIds: values.requestIds,
    action: values.action,
    comment: values.comment === '' ? null : values.comment,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field === 'requestIds') fieldErrors['requestIds'] ??= translate(locale, 'bulk.error.none');
      if (field === 'comment') fieldErrors['comment'] ??= translate(locale, 'request.error.comment');
    }
  }
  if (parsed.success && Object.keys(fieldErrors).length === 0) return { success: true, request: parsed.data };
  if (Object.keys(fieldErrors).length === 0) fieldErrors['form'] = translate(locale, 'form.fixErrors');
  return { success: false, fieldErrors };
}

/* ---------------------------------------------------------------- installation checklist */

/**
 * Every box of the form is listed in a hidden `box` field (`itemId:key`); ticked ones also come as `tick`. An
 * unticked checkbox sends nothing, so this is how "untick" reaches the API.
 */
export function readChecklistForm(form: FormData): Map<string, Record<string, boolean>> {
  const ticked = new Set(list(form, 'tick'));
  const byItem = new Map<string, Record<string, boolean>>();
  for (const box of list(form, 'box')) {
    const separator = box.indexOf(':');
    if (separator <= 0) continue;
    const itemId = box.slice(0, separator);
    const key = box.slice(separator + 1);
    if (!key) continue;
    const ticks = byItem.get(itemId) ?? {};
    ticks[key] = ticked.has(box);
    byItem.set(itemId, ticks);
  }
  return byItem;
}
