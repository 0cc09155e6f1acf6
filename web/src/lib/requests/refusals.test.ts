import { describe, expect, it as test } from 'vitest';
// The workflow's list of refusals lives with the rules (db); the console must have words for every one of them.
import { ELIGIBILITY_PROBLEMS, WORKFLOW_REFUSALS } from '../../../../db/src/domain/workflow-refusals';
import { en } from '../i18n/en';
import { it } from '../i18n/it';
import { eligibilityProblemMessage, refusalMessage } from './refusals';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('workflow refusals in the console', () => {
  test('every refusal code has an Italian and an English sentence using exactly its parameters', () => {
    for (const [code, params] of Object.entries({ ...prefixed('refusal', WORKFLOW_REFUSALS), ...prefixed('eligibility.problem', ELIGIBILITY_PROBLEMS) })) {
      for (const [locale, catalogue] of Object.entries({ it, en })) {
        const sentence = (catalogue as Record<string, string>)[code];
        expect(sentence, `${locale}: ${code}`).toBeDefined();
        expect(placeholders(sentence!), `${locale}: ${code}`).toEqual([...params].sort());
      }
    }
  });

  test('translates codes in the parameters into labels of the reader’s language', () => {
    expect(refusalMessage('it', { reason: 'illegal-transition', params: { status: 'draft', action: 'approve' } })).toBe(
      'Non si può eseguire «Approva» su una richiesta nello stato «Bozza».',
    );
    expect(refusalMessage('en', { reason: 'own-request', params: {} })).toBe('Nobody may approve or reject their own request.');
    expect(refusalMessage('it', { reason: 'assets-missing', params: { kinds: 'laptop,docking-kit' } })).toMatch(/^Assegna prima un dispositivo a: Computer portatile, /);
    expect(refusalMessage('it', { reason: 'not-eligible', params: { problems: 'employee-inactive,no-agreement-in-force' } })).toContain(
      '(il dipendente non è in servizio; oggi non c’è un accordo di lavoro agile in vigore)',
    );
    expect(refusalMessage('en', { reason: 'not-eligible', params: { problems: 'profile-not-remote', profile: 'Educatore' } })).toBe(
      'The eligibility rules do not allow approval (the job profile “Educatore” may not work remotely). An approver may override with a note.',
    );
    expect(refusalMessage('it', { reason: 'not-eligible', params: { problems: 'technology-not-granted', kinds: 'vpn,webcam' } })).toContain(
      '(l’accordo non prevede: Accesso VPN, Webcam)',
    );
    expect(eligibilityProblemMessage('it', { code: 'profile-not-remote', params: { profile: 'Operaio' } })).toBe('il profilo «Operaio» non può essere svolto da remoto');
  });

  test('an unknown or missing reason is left to the server’s own words', () => {
    expect(refusalMessage('it', { reason: 'something-new', params: {} })).toBeNull();
    expect(refusalMessage('it', {})).toBeNull();
    expect(eligibilityProblemMessage('en', { code: 'something-new', params: {} })).toBeNull();
  });
});

function prefixed(prefix: string, codes: Record<string, readonly string[]>): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(codes).map(([code, params]) => [`${prefix}.${code}`, params]));
}
