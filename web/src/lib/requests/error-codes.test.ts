import { describe, expect, it as test } from 'vitest';
// The closed list of error codes lives with the API (one per CSR check, CA import refusal…): the console must have
// words for every one of them, in both languages.
import { ERROR_STATUS } from '../../../../api/src/errors';
import { en } from '../i18n/en';
import { it } from '../i18n/it';
import { refusalText } from './refusals';

const API_CODES = Object.keys(ERROR_STATUS);
/** The PKI's own codes: CSR checks, CA creation/import, the one-time bundle, the PKI that cannot sign. */
const PKI_CODES = API_CODES.filter((code) => /^(csr|ca|pki|bundle)_/.test(code));
const SERVER_SENTENCE = 'the CSR is signed with MD5 or SHA-1: sign it with SHA-256 or stronger';
const fallback = (code: string | undefined) => `fallback:${code}`;

describe('API error codes in the console', () => {
  test('every code the API can send has an Italian and an English sentence, without parameters', () => {
    for (const code of API_CODES) {
      for (const [locale, catalogue] of Object.entries({ it, en })) {
        const sentence = (catalogue as Record<string, string>)[`apiError.${code}`];
        expect(sentence, `${locale}: ${code}`).toBeDefined();
        expect(sentence, `${locale}: ${code}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  test('PKI refusals are worded in the reader’s language, never with the server’s English sentence', () => {
    expect(PKI_CODES).toEqual(expect.arrayContaining(['csr_too_large', 'csr_requests_names', 'ca_chain_invalid', 'bundle_gone', 'pki_unavailable']));
    for (const code of PKI_CODES) {
      const key = `apiError.${code}` as keyof typeof it;
      expect(refusalText('it', { code, message: SERVER_SENTENCE }, fallback), code).toEqual({ message: it[key], apiMessage: null });
      expect(refusalText('en', { code, message: SERVER_SENTENCE }, fallback), code).toEqual({ message: en[key], apiMessage: null });
      expect(it[key], code).not.toBe(en[key]);
    }
    expect(refusalText('it', { code: 'csr_weak_signature', message: SERVER_SENTENCE }, fallback).message).toBe(
      'La CSR è firmata con MD5 o SHA-1: firmala con SHA-256 o superiore.',
    );
    expect(refusalText('it', { code: 'bundle_gone', message: 'bundle already downloaded' }, fallback).message).toMatch(/^Il bundle è già stato scaricato/);
  });

  test('only an unknown or generic code keeps the server’s sentence, beside the console’s words', () => {
    expect(refusalText('it', { code: 'csr_something_new', message: 'the CSR is odd' }, fallback)).toEqual({ message: 'fallback:csr_something_new', apiMessage: 'the CSR is odd' });
    expect(refusalText('it', { code: 'conflict', message: 'the certificate is already revoked' }, fallback)).toEqual({
      message: 'fallback:conflict',
      apiMessage: 'the certificate is already revoked',
    });
    expect(refusalText('it', { code: 'unavailable' }, fallback)).toEqual({ message: it['apiError.unavailable'], apiMessage: null });
  });

  test('a workflow rule’s reason comes first, whatever the code', () => {
    expect(refusalText('en', { code: 'conflict', message: 'own request', reason: 'own-request', params: {} }, fallback)).toEqual({
      message: 'Nobody may approve or reject their own request.',
      apiMessage: null,
    });
  });
});
