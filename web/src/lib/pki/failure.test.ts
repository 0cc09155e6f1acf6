import { describe, expect, it as test } from 'vitest';
// The codes a worker stores on a failed certificate live with the worker: the console must word every one of them.
import { ISSUANCE_FAILURE_CODES } from '../../../../workers/src/jobs/pki/issue-station-certificate';
import { CSR_ERROR_CODES } from '../../../../workers/src/pki/csr';
import { certificateFailure } from './failure';

const DETAIL = 'The employee has no VPN account with an enabled gateway';

describe('a failed issuance in the console', () => {
  test.each([...ISSUANCE_FAILURE_CODES, ...CSR_ERROR_CODES])('%s has its own sentence in Italian and in English', (code) => {
    const italian = certificateFailure('it', { failure: DETAIL, failureCode: code });
    const english = certificateFailure('en', { failure: DETAIL, failureCode: code });
    expect(italian).toMatchObject({ lang: 'it' });
    expect(english).toMatchObject({ lang: 'en' });
    expect(italian!.text).not.toBe(english!.text);
    expect(italian!.text).not.toBe(DETAIL);
  });

  test("an unknown code or none shows the worker's English detail, marked as English", () => {
    expect(certificateFailure('it', { failure: DETAIL, failureCode: 'from_a_newer_worker' })).toEqual({ text: DETAIL, lang: 'en' });
    expect(certificateFailure('it', { failure: DETAIL, failureCode: null })).toEqual({ text: DETAIL, lang: 'en' });
    expect(certificateFailure('it', { failure: null, failureCode: null })).toBeNull();
  });
});
