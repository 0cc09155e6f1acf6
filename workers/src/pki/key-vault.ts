import { createPrivateKey, type KeyObject } from 'node:crypto';
import { toPem, TAG } from './der.js';
import { content, DerError, expectTag, readRoot, sequenceOf } from './der-reader.js';
import { MissingPassphraseError, PkiInputError, WrongPassphraseError } from './errors.js';
import { encryptPrivateKeyInfo, pbes2Decrypt, readPbes2Params } from './pbes2.js';
import { readSinglePem } from './pem.js';

/**
 * The CA key at rest: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations (OWASP's
 * 2023 figure for PBKDF2-SHA256) and AES-256-CBC. Node's own `export({ cipher, passphrase })` would use OpenSSL's
 * default of 2,048 iterations, too few for a human passphrase, and cannot be told otherwise — hence our encoder.
 * The result is a standard "ENCRYPTED PRIVATE KEY" PEM: `openssl pkey -in ca.key` opens it too (disaster recovery).
 */
export const CA_KEY_PBKDF2_ITERATIONS = 600_000;

function passphraseBytes(passphrase: string | undefined | null): Buffer {
  // A passphrase read from a file usually ends in a newline: the loader trims it, this layer takes it verbatim.
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new MissingPassphraseError('CA key passphrase');
  return Buffer.from(passphrase, 'utf8');
}

/** Seals a PKCS#8 PEM (or any private key PEM Node reads) under `passphrase`. */
export async function sealPrivateKey(pkcs8Pem: string, passphrase: string): Promise<string> {
  const password = passphraseBytes(passphrase);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8Pem, format: 'pem' });
  } catch {
    throw new PkiInputError('not an unencrypted private key PEM');
  }
  const pkcs8Der = key.export({ type: 'pkcs8', format: 'der' });
  try {
    return toPem('ENCRYPTED PRIVATE KEY', await encryptPrivateKeyInfo(pkcs8Der, password, CA_KEY_PBKDF2_ITERATIONS));
  } finally {
    pkcs8Der.fill(0);
  }
}

/**
 * Opens a sealed key. The KDF runs off the event loop for keys we sealed; a key sealed elsewhere (another
 * scheme, e.g. by `openssl pkcs8 -topk8`) falls back to OpenSSL's synchronous decoder. Any failure to decrypt
 * is a `WrongPassphraseError` whose message never contains the passphrase.
 */
export async function openPrivateKey(sealedPem: string, passphrase: string): Promise<KeyObject> {
  const password = passphraseBytes(passphrase);
  const der = readSinglePem(sealedPem, ['ENCRYPTED PRIVATE KEY']);
  if (!der) throw new PkiInputError('expected one "ENCRYPTED PRIVATE KEY" PEM block');
  const parts = readSealed(der);
  if (!parts) return openWithOpenSsl(sealedPem, password);
  let pkcs8Der: Buffer | undefined;
  try {
    pkcs8Der = await pbes2Decrypt(parts.params, parts.ciphertext, password);
    return createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
  } catch {
    // A wrong key fails the CBC padding check (or, 1 time in 256, yields bytes that are not a PKCS#8 key).
    throw new WrongPassphraseError();
  } finally {
    pkcs8Der?.fill(0);
  }
}

/** Our own PBES2 layout, or null for anything else (which OpenSSL may still read). */
function readSealed(der: Buffer): { params: ReturnType<typeof readPbes2Params>; ciphertext: Buffer } | null {
  try {
    const [algorithm, data] = sequenceOf(readRoot(der), 'EncryptedPrivateKeyInfo', 2);
    return { params: readPbes2Params(algorithm!), ciphertext: content(expectTag(data!, TAG.OCTET_STRING, 'encryptedData')) };
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

function openWithOpenSsl(sealedPem: string, password: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: sealedPem, format: 'pem', passphrase: password });
  } catch {
    throw new WrongPassphraseError();
  }
}
