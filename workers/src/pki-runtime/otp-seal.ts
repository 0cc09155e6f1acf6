import { createCipheriv, createDecipheriv, createHash, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * The one-time PKCS#12 password waits in the database between the API (which makes it and shows it once) and the
 * worker (which needs it to build the bundle). It is stored only sealed: AES-256-GCM under a key derived from the
 * CA passphrase (PBKDF2-SHA256, once per process), with the certificate id as associated data so a sealed value
 * copied onto another row does not open. The worker wipes it as soon as the bundle is built.
 */
const ITERATIONS = 310_000;
const derive = promisify(pbkdf2);
const keys = new Map<string, Promise<Buffer>>();

function keyFor(passphrase: string, caId: string): Promise<Buffer> {
  const id = createHash('sha256').update(caId).update('\0').update(passphrase).digest('hex');
  let key = keys.get(id);
  if (!key) {
    key = derive(passphrase, `varco-otp-seal/v1/${caId}`, ITERATIONS, 32, 'sha256');
    if (keys.size > 16) keys.clear();
    keys.set(id, key);
  }
  return key;
}

const VERSION = 'v1';

export async function sealOneTimePassword(params: { password: string; passphrase: string; caId: string; certificateId: string }): Promise<string> {
  const key = await keyFor(params.passphrase, params.caId);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(params.certificateId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(params.password, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

/** Throws when the value was sealed under another passphrase, CA or row (or was tampered with). */
export async function openOneTimePassword(params: { sealed: string; passphrase: string; caId: string; certificateId: string }): Promise<string> {
  const [version, iv, tag, data] = params.sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed one-time password');
  const key = await keyFor(params.passphrase, params.caId);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(params.certificateId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
