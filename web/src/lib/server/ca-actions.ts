import type { RequestEvent } from '@sveltejs/kit';
import { ZCreateCaRequest, ZImportCaRequest, type TLocale } from '@varco/api/contract';
import type { z } from 'zod';
import { translate, type MessageKey } from '$lib/i18n/translate';
import { ApiError } from './api';
import { actionFailure, invalidForm } from './api-errors';

/**
 * Form actions of the CA card on /pki (admin). The forms are re-validated with the contract's schemas so errors
 * appear next to their field in the user's language; the API has the last word (passphrase, replacement, PEM checks).
 * Key material is never sent back in `values`: a refused import shows the form again with the PEM boxes empty.
 */
const CREATE_FIELDS: Record<string, MessageKey> = {
  name: 'pki.ca.error.name',
  keyType: 'pki.ca.error.keyType',
  validityDays: 'pki.ca.error.validityDays',
};
const IMPORT_FIELDS: Record<string, MessageKey> = {
  name: 'pki.ca.error.name',
  certificatePem: 'pki.ca.error.certificatePem',
  privateKeyPem: 'pki.ca.error.privateKeyPem',
  chainPem: 'pki.ca.error.chainPem',
  keyPassphrase: 'pki.ca.error.keyPassphrase',
};
/** An import refused by the API for one reason points at the field that holds the culprit. */
const IMPORT_CODE_FIELD: Record<string, string> = {
  ca_certificate_invalid: 'certificatePem',
  ca_not_a_ca: 'certificatePem',
  ca_expired: 'certificatePem',
  ca_not_yet_valid: 'certificatePem',
  ca_key_invalid: 'privateKeyPem',
  ca_key_unsupported: 'privateKeyPem',
  ca_key_mismatch: 'privateKeyPem',
  ca_chain_invalid: 'chainPem',
};

const reader = (form: FormData) => (name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

function fieldErrorsOf(locale: TLocale, issues: readonly z.core.$ZodIssue[], messages: Record<string, MessageKey>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const key = messages[field];
    if (key && !errors[field]) errors[field] = translate(locale, key);
  }
  return errors;
}

/** Replacing the active CA needs the box ticked as well as its id (the API checks the id). */
function replacement(locale: TLocale, text: (name: string) => string, errors: Record<string, string>): string | null {
  const replaceCaId = text('replaceCaId') || null;
  if (replaceCaId && text('confirmReplace') !== 'yes') errors['confirmReplace'] = translate(locale, 'pki.ca.replace.required');
  return replaceCaId;
}

export async function createCaAction(event: RequestEvent) {
  const text = reader(await event.request.formData());
  const values = { form: 'create' as const, name: text('name').trim(), keyType: text('keyType'), validityDays: text('validityDays').trim() };
  const errors: Record<string, string> = {};
  const replaceCaId = replacement(event.locals.locale, text, errors);
  const parsed = ZCreateCaRequest.safeParse({ name: values.name, keyType: values.keyType, validityDays: values.validityDays === '' ? Number.NaN : Number(values.validityDays), replaceCaId });
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(event.locals.locale, parsed.error.issues, CREATE_FIELDS));
  if (!parsed.success || Object.keys(errors).length) return invalidForm(event, errors, values);
  try {
    return { jobId: (await event.locals.api.pki.createCa(parsed.data)).jobId };
  } catch (err) {
    return actionFailure(event, err, { values, fieldMessage: (field) => (CREATE_FIELDS[field] ? translate(event.locals.locale, CREATE_FIELDS[field]) : undefined) });
  }
}

export async function importCaAction(event: RequestEvent) {
  const text = reader(await event.request.formData());
  const values = { form: 'import' as const, name: text('name').trim() };
  const errors: Record<string, string> = {};
  const replaceCaId = replacement(event.locals.locale, text, errors);
  const parsed = ZImportCaRequest.safeParse({
    ...(values.name ? { name: values.name } : {}),
    certificatePem: text('certificatePem'),
    privateKeyPem: text('privateKeyPem'),
    ...(text('keyPassphrase') ? { keyPassphrase: text('keyPassphrase') } : {}),
    ...(text('chainPem').trim() ? { chainPem: text('chainPem') } : {}),
    replaceCaId,
  });
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(event.locals.locale, parsed.error.issues, IMPORT_FIELDS));
  if (!parsed.success || Object.keys(errors).length) return invalidForm(event, errors, values);
  try {
    const imported = await event.locals.api.pki.importCa(parsed.data);
    return { imported: { name: imported.name } };
  } catch (err) {
    const failure = actionFailure(event, err, { values });
    const field = err instanceof ApiError ? IMPORT_CODE_FIELD[err.code] : undefined;
    if (field) failure.data.fieldErrors[field] = failure.data.message;
    return failure;
  }
}
