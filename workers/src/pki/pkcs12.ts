import { createHash, createHmac, hash, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { bmpString, explicit, implicitPrimitive, integer, NULL_DER, octetString, oid, sequence, setOf } from './der.js';
import { MissingPassphraseError, PasswordTooShortError, PkiError, PkiInputError } from './errors.js';
import { OID } from './oids.js';
import { encryptPrivateKeyInfo, pbes2Encrypt } from './pbes2.js';
import { readPemBlocks, readSinglePem } from './pem.js';
import { assertText } from './validate.js';

/**
 * PKCS#12 (RFC 7292) as OpenSSL 3 writes it by default: certificates in an encrypted SafeContents and the key in a
 * shrouded key bag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), and an HMAC-SHA256 MAC. Built here rather than
 * with node-forge because forge's MAC is hard-wired to SHA-1, it leaves certificate bags in clear, runs its KDF in
 * JavaScript (~4× slower), and reads RSA keys only (no EC bundles).
 */
export const PKCS12_MIN_PASSWORD_LENGTH = 16;
/** OpenSSL 3's default for both PBKDF2 and the MAC KDF; what Windows, macOS and OpenVPN import without fuss. */
export const PKCS12_DEFAULT_ITERATIONS = 2048;

export interface TBuildPkcs12Params {
  privateKey: KeyObject;
  certificatePem: string;
  /** Issuer certificates to include (the CA, then any intermediates). */
  caChainPem?: string;
  friendlyName: string;
  password: string;
  iterations?: number;
}

/** The .p12 bytes. The caller should drop its references to the private key once this is delivered. */
export async function buildPkcs12(params: TBuildPkcs12Params): Promise<Buffer> {
  const password = checkPassword(params.password);
  const iterations = params.iterations ?? PKCS12_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < PKCS12_DEFAULT_ITERATIONS || iterations > 1_000_000) {
    throw new PkiInputError(`iterations must be an integer in ${PKCS12_DEFAULT_ITERATIONS}..1000000`);
  }
  const leaf = readLeaf(params.certificatePem, params.privateKey);
  const chain = readChain(params.caChainPem ?? '');
  const attributes = bagAttributes(assertText(params.friendlyName, 'friendlyName'), createHash('sha256').update(leaf).digest().subarray(0, 20));
  const passwordUtf8 = Buffer.from(password, 'utf8');

  const certificates = sequence(certBag(leaf, attributes), ...chain.map((der) => certBag(der)));
  const encryptedCertificates = await pbes2Encrypt(certificates, passwordUtf8, iterations);
  const pkcs8 = params.privateKey.export({ type: 'pkcs8', format: 'der' });
  const shroudedKey = await encryptPrivateKeyInfo(pkcs8, passwordUtf8, iterations);
  pkcs8.fill(0);

  const authenticatedSafe = sequence(
    encryptedDataContentInfo(encryptedCertificates.algorithmDer, encryptedCertificates.ciphertext),
    dataContentInfo(sequence(sequence(oid(OID.pkcs8ShroudedKeyBag), explicit(0, shroudedKey), attributes))),
  );
  return sequence(integer(3), dataContentInfo(authenticatedSafe), macData(authenticatedSafe, password, iterations));
}

function checkPassword(password: string): string {
  if (typeof password !== 'string' || password.length === 0) throw new MissingPassphraseError('PKCS#12 password');
  if (password.length < PKCS12_MIN_PASSWORD_LENGTH) throw new PasswordTooShortError(PKCS12_MIN_PASSWORD_LENGTH);
  return password;
}

function readLeaf(certificatePem: string, privateKey: KeyObject): Buffer {
  const der = readSinglePem(certificatePem, ['CERTIFICATE']);
  if (!der) throw new PkiInputError('certificatePem must be exactly one PEM certificate');
  if (!new X509Certificate(der).checkPrivateKey(privateKey)) {
    throw new PkiError('pki_key_mismatch', 'the private key does not belong to the certificate');
  }
  return der;
}

function readChain(chainPem: string): Buffer[] {
  if (chainPem.trim() === '') return [];
  const blocks = readPemBlocks(chainPem);
  if (!blocks || blocks.some((block) => block.label !== 'CERTIFICATE')) throw new PkiInputError('caChainPem must be PEM certificates only');
  return blocks.map((block) => block.der);
}

const attribute = (dotted: string, value: Buffer): Buffer => sequence(oid(dotted), setOf(value));

/** friendlyName (shown by importers) and localKeyId, which pairs the key bag with its certificate. */
function bagAttributes(friendlyName: string, localKeyId: Buffer): Buffer {
  return setOf(attribute(OID.friendlyName, bmpString(friendlyName)), attribute(OID.localKeyId, octetString(localKeyId)));
}

function certBag(certificateDer: Buffer, attributes?: Buffer): Buffer {
  const value = explicit(0, sequence(oid(OID.x509Certificate), explicit(0, octetString(certificateDer))));
  return attributes ? sequence(oid(OID.certBag), value, attributes) : sequence(oid(OID.certBag), value);
}

const dataContentInfo = (contentDer: Buffer): Buffer => sequence(oid(OID.data), explicit(0, octetString(contentDer)));

function encryptedDataContentInfo(algorithmDer: Buffer, ciphertext: Buffer): Buffer {
  const encryptedContentInfo = sequence(oid(OID.data), algorithmDer, implicitPrimitive(0, ciphertext));
  return sequence(oid(OID.encryptedData), explicit(0, sequence(integer(0), encryptedContentInfo)));
}

/** MacData with HMAC-SHA256; its key comes from the PKCS#12 KDF (OpenSSL 3.0 cannot read PBMAC1 yet). */
function macData(authenticatedSafe: Buffer, password: string, iterations: number): Buffer {
  const salt = randomBytes(16);
  const key = pkcs12Kdf(password, salt, iterations);
  const mac = createHmac('sha256', key).update(authenticatedSafe).digest();
  return sequence(sequence(sequence(oid(OID.sha256), NULL_DER), octetString(mac)), octetString(salt), integer(iterations));
}

/**
 * RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64) and ID 3 (MAC key), for a 32-byte key: one block, so the
 * I-update step of the general algorithm is never needed. The password is a NUL-terminated BMPString.
 */
export function pkcs12Kdf(password: string, salt: Buffer, iterations: number): Buffer {
  const v = 64;
  const repeat = (source: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
    return out;
  };
  const bmpPassword = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  let block = hash('sha256', Buffer.concat([Buffer.alloc(v, 3), repeat(salt), repeat(bmpPassword)]), 'buffer');
  // crypto.hash is a one-shot native call: 2,048 rounds take ~1.3 ms, about half the cost of createHash chains.
  for (let round = 1; round < iterations; round++) block = hash('sha256', block, 'buffer');
  return block;
}

const OTP_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U to mishear

/**
 * A one-time PKCS#12 password read out over the phone: 20 base32 characters (100 bits) in groups of four,
 * e.g. "7K3M-Q9TX-A2B4-C6D8-EFGH". The dashes are part of the password. 32 divides 256, so `byte & 31` is unbiased.
 */
export function generateOneTimePassword(): string {
  const bytes = randomBytes(20);
  const characters = Array.from(bytes, (byte) => OTP_ALPHABET[byte & 31]!).join('');
  return characters.match(/.{4}/g)!.join('-');
}
