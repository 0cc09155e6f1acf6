import { ZAgreementRequest, type TAgreementRequest, type TLocale } from '@varco/api/contract';
import type { z } from 'zod';
import {
  AGREEMENT_FIELDS,
  type AgreementField,
  type AgreementFormValues,
} from '../components/employees/agreement-form-values';
import { translate, type MessageKey } from '../i18n/translate';

const FIELD_MESSAGES: Record<AgreementField, MessageKey> = {
  daysPerWeek: 'agreementForm.error.daysPerWeek',
  technology: 'agreementForm.error.technology',
  activityIds: 'agreementForm.error.activityIds',
  startsOn: 'agreementForm.error.startsOn',
  endsOn: 'agreementForm.error.endsOn',
};

function isAgreementField(field: string): field is AgreementField {
  return (AGREEMENT_FIELDS as readonly string[]).includes(field);
}

export function readAgreementForm(form: FormData): AgreementFormValues {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const list = (name: string) => form.getAll(name).filter((value): value is string => typeof value === 'string');
  return {
    daysPerWeek: text('daysPerWeek'),
    technology: list('technology'),
    activityIds: list('activityIds'),
    startsOn: text('startsOn'),
    endsOn: text('endsOn'),
  };
}

/** Converts the browser's strings to the API's request shape; the contract schema then has the last word. */
export function toAgreementRequest(values: AgreementFormValues): unknown {
  return {
    daysPerWeek: values.daysPerWeek === '' ? Number.NaN : Number(values.daysPerWeek),
    technology: values.technology,
    activityIds: values.activityIds.map(Number),
    startsOn: values.startsOn,
    endsOn: values.endsOn === '' ? null : values.endsOn,
  };
}

export function agreementFieldMessage(locale: TLocale, field: string, issueCode?: string): string | undefined {
  if (!isAgreementField(field)) return undefined;
  if (field === 'endsOn' && issueCode === 'custom') return translate(locale, 'agreementForm.error.endsOnBeforeStart');
  return translate(locale, FIELD_MESSAGES[field]);
}

export type AgreementValidation =
  | { success: true; request: TAgreementRequest }
  | { success: false; fieldErrors: Record<string, string> };

/** The same schema the API validates with, so the form fails here, in the user's language, first. */
export function validateAgreement(locale: TLocale, values: AgreementFormValues): AgreementValidation {
  const parsed = ZAgreementRequest.safeParse(toAgreementRequest(values));
  if (parsed.success) return { success: true, request: parsed.data };
  return { success: false, fieldErrors: fieldErrorsFromIssues(locale, parsed.error.issues) };
}

function fieldErrorsFromIssues(locale: TLocale, issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const message = agreementFieldMessage(locale, field, issue.code);
    if (message && !fieldErrors[field]) fieldErrors[field] = message;
  }
  if (Object.keys(fieldErrors).length === 0) fieldErrors['form'] = translate(locale, 'form.fixErrors');
  return fieldErrors;
}
