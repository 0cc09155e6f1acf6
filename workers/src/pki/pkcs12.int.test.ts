import { createPrivateKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStationCertificate } from './certificate.js';
import { CA_KEY_PBKDF2_ITERATIONS, sealPrivateKey } from './key-vault.js';
import { generateStationKey, type TStationKeyType } from './keys.js';
import { buildPkcs12, generateOneTimePassword } from './pkcs12.js';
import { generateSerial } from './serial.js';
import { spkiOf, testCa } from './testing/fixtures.js';
import { openssl, scratchDir } from './testing/run.js';

let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir('pki-p12-');
});
afterAll(() => dir.remove());

describe.each(['rsa-2048', 'ec-p256'] as TStationKeyType[])('PKCS#12 bundle with a %s station key', (keyType) => {
  it('opens in openssl with the one-time password only, and shows AES-256-CBC / PBKDF2 / SHA-256 MAC', async () => {
    const ca = await testCa('rsa-3072');
    const { publicKey, privateKey } = await generateStationKey(keyType);
    const issued = issueStationCertificate({ ca, subjectPublicKeyDer: spkiOf(publicKey), subject: { commonName: 'emp_9' }, serialHex: generateSerial().hex, notBefore: new Date(), validityDays: 30 });
    const password = generateOneTimePassword();
    const file = join(dir.path, `${keyType}.p12`);
    await writeFile(file, await buildPkcs12({ privateKey, certificatePem: issued.certificatePem, caChainPem: ca.certificatePem, friendlyName: 'emp_9 PC-9', password }));

    const info = await openssl(['pkcs12', '-in', file, '-info', '-noout', '-passin', `pass:${password}`]);
    expect(info.code).toBe(0);
    expect(info.stderr).toContain('MAC: sha256, Iteration 2048');
    expect(info.stderr).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    expect(info.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    expect(info.stderr.match(/Certificate bag/g)).toHaveLength(2);

    for (const wrong of ['', 'AAAA-AAAA-AAAA-AAAA-AAAA', password.toLowerCase()]) {
      const refused = await openssl(['pkcs12', '-in', file, '-info', '-noout', '-passin', `pass:${wrong}`]);
      expect(refused.code, `password ${JSON.stringify(wrong)}`).not.toBe(0);
      expect(refused.stderr).toMatch(/Mac verify error|invalid password/i);
    }

    const extracted = await openssl(['pkcs12', '-in', file, '-nodes', '-passin', `pass:${password}`]);
    expect(extracted.stdout).toContain('friendlyName: emp_9 PC-9');
    const keyPem = extracted.stdout.slice(extracted.stdout.search(/-{5}BEGIN PRIVATE[ ]KEY-{5}/));
    expect(createPrivateKey(keyPem).equals(privateKey)).toBe(true);
  });
});

describe('sealed CA key', () => {
  it('opens with openssl pkey and the passphrase, and not without it', async () => {
    const ca = await testCa('ec-p384');
    const passphrase = 'a long CA passphrase for tests';
    const file = join(dir.path, 'ca.key');
    await writeFile(file, await sealPrivateKey(ca.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), passphrase));
    const opened = await openssl(['pkey', '-in', file, '-passin', `pass:${passphrase}`]);
    expect(opened.code).toBe(0);
    expect(createPrivateKey(opened.stdout).equals(ca.privateKey)).toBe(true);
    expect((await openssl(['pkey', '-in', file, '-passin', 'pass:wrong'])).code).not.toBe(0);
    const parsed = await openssl(['asn1parse', '-in', file]);
    // asn1parse prints INTEGERs as hex bytes: 600000 = 0x0927C0.
    expect(parsed.stdout).toContain(`INTEGER           :${CA_KEY_PBKDF2_ITERATIONS.toString(16).toUpperCase().padStart(6, '0')}`);
    expect(parsed.stdout).toContain('hmacWithSHA256');
    expect(parsed.stdout).toContain('aes-256-cbc');
  });
});
