import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR, type Db } from '@varco/db';
import { createCertificateAuthorityFromScratch, PKI_DEFAULTS, type TPkiSettings } from '@varco/workers/pki-runtime';

/** PKI settings for a test app: a random passphrase and a fresh data dir (CRL number guard, revocation log). */
export async function testPkiSettings(overrides: Partial<TPkiSettings> = {}): Promise<TPkiSettings> {
  const dataDir = await mkdtemp(join(process.env.VARCO_TEST_TMP ?? tmpdir(), 'pki-'));
  return { passphrase: randomBytes(18).toString('base64url'), passphraseProblem: null, dataDir, ...PKI_DEFAULTS, ...overrides };
}

/** An active EC P-384 CA (the recommended default) with its first CRL published. */
export async function createTestCa(db: Db, settings: TPkiSettings) {
  return createCertificateAuthorityFromScratch(db, {
    name: 'Comune di Prato — CA postazioni (test)',
    keyType: 'ec-p384',
    validityDays: 3650,
    settings,
    actor: { ...SYSTEM_ACTOR, username: 'test' },
  });
}
