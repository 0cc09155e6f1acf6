import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readRoot, sequenceOf } from './der-reader.js';
import { MissingPassphraseError, WrongPassphraseError } from './errors.js';
import { CA_KEY_PBKDF2_ITERATIONS, openPrivateKey, sealPrivateKey } from './key-vault.js';
import { readPbes2Params } from './pbes2.js';
import { readSinglePem } from './pem.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const pkcs8Pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const passphrase = 'correct horse battery staple 2026';

describe('CA key vault', () => {
  it('seals to a PBES2 PEM with 600,000 PBKDF2-SHA256 iterations and opens it again', async () => {
    const sealed = await sealPrivateKey(pkcs8Pem, passphrase);
    expect(sealed).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(sealed).not.toContain(pkcs8Pem.split('\n')[1]);
    const [algorithm] = sequenceOf(readRoot(readSinglePem(sealed, ['ENCRYPTED PRIVATE KEY'])!), 'EncryptedPrivateKeyInfo', 2);
    expect(readPbes2Params(algorithm!).iterations).toBe(CA_KEY_PBKDF2_ITERATIONS);
    const opened = await openPrivateKey(sealed, passphrase);
    expect(opened.equals(privateKey)).toBe(true);
    // Node's own decoder (OpenSSL) reads our format too: no lock-in to this code for disaster recovery.
    expect(createPrivateKey({ key: sealed, passphrase }).equals(privateKey)).toBe(true);
  });

  it('refuses a missing or empty passphrase before doing anything', async () => {
    await expect(sealPrivateKey(pkcs8Pem, '')).rejects.toBeInstanceOf(MissingPassphraseError);
    await expect(sealPrivateKey(pkcs8Pem, undefined as unknown as string)).rejects.toBeInstanceOf(MissingPassphraseError);
    const sealed = await sealPrivateKey(pkcs8Pem, passphrase);
    await expect(openPrivateKey(sealed, '')).rejects.toBeInstanceOf(MissingPassphraseError);
  });

  it('reports a wrong passphrase with a typed error that does not echo it', async () => {
    const sealed = await sealPrivateKey(pkcs8Pem, passphrase);
    const wrong = 'not-the-passphrase-9f2c';
    const error = await openPrivateKey(sealed, wrong).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WrongPassphraseError);
    expect((error as WrongPassphraseError).code).toBe('pki_passphrase_wrong');
    expect(String((error as Error).message) + String((error as Error).stack)).not.toContain(wrong);
  });

  it('opens keys encrypted by OpenSSL with another scheme (fallback path), with the same errors', async () => {
    const foreign = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase });
    expect((await openPrivateKey(foreign.toString(), passphrase)).equals(privateKey)).toBe(true);
    await expect(openPrivateKey(foreign.toString(), 'wrong wrong wrong')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('does not block the event loop while deriving the key', async () => {
    const sealed = await sealPrivateKey(pkcs8Pem, passphrase);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await openPrivateKey(sealed, passphrase);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });
});
