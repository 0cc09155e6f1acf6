import type { TLocale } from '@varco/api/contract';
import { isMessageKey, translate } from '../i18n/translate';

/**
 * Why an issuance failed, in the reader's language: the worker's code has a sentence (`pki.failure.<code>`; CSR codes
 * and `pki_unavailable` reuse the API's `apiError.<code>`). A code this console does not know (a newer worker, an older
 * row without one) falls back to the worker's English detail, marked `lang: 'en'` for screen readers.
 */
export function certificateFailure(locale: TLocale, certificate: { failure: string | null; failureCode: string | null }): { text: string; lang: TLocale | 'en' } | null {
  const code = certificate.failureCode;
  for (const key of code ? [`pki.failure.${code}`, `apiError.${code}`] : []) {
    if (isMessageKey(key)) return { text: translate(locale, key), lang: locale };
  }
  return certificate.failure ? { text: certificate.failure, lang: 'en' } : null;
}
