import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TEnv, TLogger } from '@varco/api';
import { getActiveCertificateAuthority, SYSTEM_ACTOR, type Database } from '@varco/db';
import { checkPkiReadiness, createCertificateAuthorityFromScratch, loadPkiSettings, type TPkiSettings } from '@varco/workers/pki-runtime';

export const DEMO_CA_NAME = 'Comune di Prato — CA postazioni (demo)';

/** VARCO_DATA_DIR/pki: the CRL number guard and the revocation log (see workers/src/pki-runtime/crl-guard.ts). */
export const pkiDataDir = (dataDir: string) => join(dataDir, 'pki');

/**
 * The process's PKI settings. In the demo (VARCO_SEED_DEMO) without VARCO_CA_PASSPHRASE_FILE, the passphrase lives
 * in VARCO_DATA_DIR/ca-passphrase (0600), generated with a demo CA the first time: `npm start` issues certificates
 * out of the box. A real install sets VARCO_CA_PASSPHRASE_FILE and runs `npm run varco -- ca init` once.
 */
export async function preparePki(env: TEnv, database: Database, dataDir: string, logger: TLogger): Promise<TPkiSettings> {
  const demoFile = join(dataDir, 'ca-passphrase');
  const passphraseFile = env.VARCO_CA_PASSPHRASE_FILE ?? (env.VARCO_SEED_DEMO ? demoFile : undefined);
  const hasCa = (await getActiveCertificateAuthority(database.db)) !== null;
  if (env.VARCO_SEED_DEMO && !hasCa && passphraseFile === demoFile && !existsSync(demoFile)) {
    await mkdir(dirname(demoFile), { recursive: true, mode: 0o700 });
    await writeFile(demoFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const settings = await pkiSettingsFor(env, passphraseFile, dataDir);
  if (env.VARCO_SEED_DEMO && !hasCa && settings.passphrase) {
    const created = await createCertificateAuthorityFromScratch(database.db, {
      name: DEMO_CA_NAME,
      keyType: 'ec-p384',
      validityDays: 3650,
      settings,
      actor: { ...SYSTEM_ACTOR, username: 'demo-seed' },
    });
    logger.info('demo CA created', { caId: created.caId, passphraseFile });
  }
  const readiness = await checkPkiReadiness(database.db, settings);
  // Not fatal: the console and every other feature work; the PKI page and /api/pki/status say what to fix.
  if (!readiness.ready) logger.warn('the PKI cannot sign', { code: readiness.code, reason: readiness.message });
  return settings;
}

export function pkiSettingsFor(env: TEnv, passphraseFile: string | undefined, dataDir: string): Promise<TPkiSettings> {
  return loadPkiSettings({
    passphraseFile,
    dataDir: pkiDataDir(dataDir),
    crlDays: env.PKI_CRL_DAYS,
    certificateDays: env.PKI_CERTIFICATE_DAYS,
    renewalGraceDays: env.PKI_RENEWAL_GRACE_DAYS,
    expiryWarningDays: env.PKI_EXPIRY_WARNING_DAYS,
  });
}
