import { readFile } from 'node:fs/promises';

/**
 * What a process knows about the PKI, built once from the environment (ops/src/config.ts) and handed to the API
 * and to job handlers — never through a job payload (payloads are plain JSON in Redis; this holds the passphrase).
 */
export interface TPkiSettings {
  /** The CA key's passphrase (VARCO_CA_PASSPHRASE_FILE, trailing newline trimmed); null when it cannot be had. */
  passphrase: string | null;
  /** Why `passphrase` is null, in one sentence for the admin page and the logs (never the value). */
  passphraseProblem: TPassphraseProblem | null;
  /** VARCO_DATA_DIR/pki: the CRL number guard and the revocation log live here, outside the database. */
  dataDir: string;
  /** CRL validity (PKI_CRL_DAYS); re-signed when less than half of it is left, and after every revocation. */
  crlDays: number;
  /** Station certificate validity (PKI_CERTIFICATE_DAYS, default 2 years). */
  certificateDays: number;
  /** Renewal: the old certificate is revoked as superseded at the latest this many days after the new one. */
  renewalGraceDays: number;
  /** The daily job reminds holders of certificates expiring within this many days. */
  expiryWarningDays: number;
}

export type TPassphraseProblemCode = 'pki_passphrase_missing' | 'pki_passphrase_empty' | 'pki_passphrase_unreadable';
export interface TPassphraseProblem {
  code: TPassphraseProblemCode;
  message: string;
}

export const PKI_DEFAULTS = { crlDays: 7, certificateDays: 730, renewalGraceDays: 14, expiryWarningDays: 30 } as const;

/** Reads the passphrase file. Only the trailing newline(s) are cut: spaces inside or around are part of it. */
export async function readCaPassphrase(file: string | undefined): Promise<{ passphrase: string } | { problem: TPassphraseProblem }> {
  if (!file) return { problem: { code: 'pki_passphrase_missing', message: 'VARCO_CA_PASSPHRASE_FILE is not set: the CA key cannot be opened' } };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'error';
    return { problem: { code: 'pki_passphrase_unreadable', message: `the CA passphrase file ${file} cannot be read (${reason})` } };
  }
  const passphrase = text.replace(/[\r\n]+$/, '');
  if (passphrase.length === 0) return { problem: { code: 'pki_passphrase_empty', message: `the CA passphrase file ${file} is empty` } };
  return { passphrase };
}

/** Settings for a process: the passphrase read now, the rest from the caller. */
export async function loadPkiSettings(params: { passphraseFile: string | undefined } & Omit<TPkiSettings, 'passphrase' | 'passphraseProblem'>): Promise<TPkiSettings> {
  const { passphraseFile, ...rest } = params;
  const read = await readCaPassphrase(passphraseFile);
  return 'passphrase' in read ? { ...rest, passphrase: read.passphrase, passphraseProblem: null } : { ...rest, passphrase: null, passphraseProblem: read.problem };
}
