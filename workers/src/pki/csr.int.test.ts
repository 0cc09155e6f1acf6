import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCsr } from './csr.js';
import { openssl, scratchDir } from './testing/run.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir('pki-csr-');
});
afterAll(() => dir.remove());

/** A CSR as a station would make it with openssl; `extra` picks the key and digest. */
async function opensslCsr(name: string, extra: string[], outform: 'PEM' | 'DER' = 'PEM'): Promise<Buffer> {
  const out = join(dir.path, `${name}.csr`);
  const result = await openssl(['req', '-new', '-nodes', '-keyout', join(dir.path, `${name}.key`), '-out', out, '-outform', outform, '-subj', '/CN=station', ...extra]);
  if (result.code !== 0) throw new Error(`openssl req failed: ${result.stderr}`);
  return readFile(out);
}

describe('inspectCsr on CSRs made by openssl req', () => {
  it.each([
    ['RSA-2048', ['-newkey', 'rsa:2048'], 'rsa-2048'],
    ['RSA-4096 SHA-512', ['-newkey', 'rsa:4096', '-sha512'], 'rsa-4096'],
    ['EC P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'ec-p256'],
    ['EC P-384 SHA-384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'], 'ec-p384'],
  ])('accepts %s (PEM and DER)', async (name, args, keyType) => {
    for (const form of ['PEM', 'DER'] as const) {
      const csr = await opensslCsr(`${name}-${form}`, args, form);
      const result = inspectCsr(form === 'PEM' ? csr.toString('utf8') : csr);
      expect(result.ok ? result.keyType : result.code).toBe(keyType);
    }
  });

  it.each([
    ['RSA-1024', ['-newkey', 'rsa:1024'], 'csr_key_too_small'],
    ['Ed25519', ['-newkey', 'ed25519'], 'csr_key_unsupported'],
    ['secp256k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'], 'csr_key_unsupported'],
    ['SHA-1 signed RSA', ['-newkey', 'rsa:2048', '-sha1'], 'csr_weak_signature'],
    ['SHA-1 signed EC', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1'], 'csr_weak_signature'],
  ])('refuses %s', async (name, args, code) => {
    const result = inspectCsr((await opensslCsr(name, args)).toString('utf8'));
    expect(result.ok ? 'ok' : result.code).toBe(code);
  });

  it('refuses a CSR whose subject was edited after signing', async () => {
    const der = await opensslCsr('tampered', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'DER');
    const at = der.indexOf(Buffer.from('station'));
    der[at] = 'S'.charCodeAt(0);
    const result = inspectCsr(der);
    expect(result.ok ? 'ok' : result.code).toBe('csr_bad_signature');
  });
});
