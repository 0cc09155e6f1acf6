import { createHash, type KeyObject } from 'node:crypto';
import { getActiveCertificateAuthority, type Db, type TCertificateAuthority } from '@varco/db';
import { openPrivateKey, type TCaSigner, WrongPassphraseError } from '../pki/index.js';
import type { TPkiSettings } from './settings.js';

export type TPkiUnavailableCode = 'pki_no_ca' | 'pki_passphrase_missing' | 'pki_passphrase_empty' | 'pki_passphrase_unreadable' | 'pki_passphrase_wrong';

/** The PKI cannot work now (no CA, or its key cannot be opened). Job handlers turn it into an UnrecoverableError. */
export class PkiUnavailableError extends Error {
  override name = 'PkiUnavailableError';
  constructor(
    readonly code: TPkiUnavailableCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TActiveCa {
  ca: TCertificateAuthority;
  signer: TCaSigner;
}

// Opening the sealed key runs 600,000 PBKDF2 rounds (~0.5 s): once per process, per CA, per passphrase. A wrong
// passphrase is remembered too, so a status page polled every few seconds does not burn a core on it.
const opened = new Map<string, Promise<KeyObject | WrongPassphraseError>>();

const cacheKey = (ca: TCertificateAuthority, passphrase: string) =>
  createHash('sha256').update(ca.id).update('\0').update(ca.sealedKeyPem).update('\0').update(passphrase).digest('hex');

function openCached(ca: TCertificateAuthority, passphrase: string): Promise<KeyObject | WrongPassphraseError> {
  const key = cacheKey(ca, passphrase);
  let promise = opened.get(key);
  if (!promise) {
    promise = openPrivateKey(ca.sealedKeyPem, passphrase).catch((err: unknown) => {
      if (err instanceof WrongPassphraseError) return err;
      opened.delete(key); // anything else (a bug, a damaged row) is not remembered
      throw err;
    });
    if (opened.size > 16) opened.clear();
    opened.set(key, promise);
  }
  return promise;
}

/** The active CA with its opened key, or a PkiUnavailableError saying exactly why not. */
export async function loadActiveCa(db: Db, settings: TPkiSettings | null): Promise<TActiveCa> {
  const ca = await getActiveCertificateAuthority(db);
  if (!ca) throw new PkiUnavailableError('pki_no_ca', 'No certificate authority yet: create one with `npm run varco -- ca init` or import one');
  return { ca, signer: await openSigner(ca, settings) };
}

export async function openSigner(ca: TCertificateAuthority, settings: TPkiSettings | null): Promise<TCaSigner> {
  if (!settings?.passphrase) {
    const problem = settings?.passphraseProblem ?? { code: 'pki_passphrase_missing' as const, message: 'VARCO_CA_PASSPHRASE_FILE is not set' };
    throw new PkiUnavailableError(problem.code, problem.message);
  }
  const key = await openCached(ca, settings.passphrase);
  if (key instanceof WrongPassphraseError) {
    throw new PkiUnavailableError('pki_passphrase_wrong', 'The CA passphrase does not open the CA key: check VARCO_CA_PASSPHRASE_FILE');
  }
  return { certificatePem: ca.certificatePem, privateKey: key };
}

export type TPkiReadiness = { ready: true; ca: TCertificateAuthority } | { ready: false; code: TPkiUnavailableCode; message: string; ca: TCertificateAuthority | null };

/** For status pages: is the PKI able to sign now? Never throws for the expected cases. */
export async function checkPkiReadiness(db: Db, settings: TPkiSettings | null): Promise<TPkiReadiness> {
  const ca = await getActiveCertificateAuthority(db);
  if (!ca) return { ready: false, code: 'pki_no_ca', message: 'No certificate authority yet', ca: null };
  try {
    await openSigner(ca, settings);
    return { ready: true, ca };
  } catch (err) {
    if (err instanceof PkiUnavailableError) return { ready: false, code: err.code, message: err.message, ca };
    throw err;
  }
}
