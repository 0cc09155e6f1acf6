import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { integer, NULL_DER, octetString, oid, sequence, TAG } from './der.js';
import { content, DerError, expectTag, readOid, readSmallInteger, sequenceOf, type DerNode } from './der-reader.js';
import { OID } from './oids.js';

/**
 * PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 and AES-256-CBC: the scheme OpenSSL 3 writes by default, readable by
 * `openssl pkey`/`openssl pkcs12` and by Node's createPrivateKey. The key derivation runs in libuv's thread pool
 * (async `crypto.pbkdf2`), so 600,000 iterations for a CA key never stall the event loop, and it is native: the
 * pure-JS PBKDF2 in node-forge is ~4× slower (PERF-FACTS.md).
 */
const derive = promisify(pbkdf2);
const SALT_BYTES = 16;
/** Refuse to grind through a hostile file that asks for billions of iterations. */
const MAX_ITERATIONS = 10_000_000;

export function pbes2AlgorithmIdentifier(salt: Buffer, iterations: number, iv: Buffer): Buffer {
  const kdf = sequence(oid(OID.pbkdf2), sequence(octetString(salt), integer(iterations), sequence(oid(OID.hmacWithSHA256), NULL_DER)));
  return sequence(oid(OID.pbes2), sequence(kdf, sequence(oid(OID.aes256Cbc), octetString(iv))));
}

/** Encrypts `plaintext`; returns the AlgorithmIdentifier DER and the ciphertext. */
export async function pbes2Encrypt(plaintext: Buffer, password: Buffer, iterations: number): Promise<{ algorithmDer: Buffer; ciphertext: Buffer }> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(16);
  const key = await derive(password, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { algorithmDer: pbes2AlgorithmIdentifier(salt, iterations, iv), ciphertext };
}

/** EncryptedPrivateKeyInfo DER (RFC 5958) around a PKCS#8 PrivateKeyInfo. */
export async function encryptPrivateKeyInfo(pkcs8Der: Buffer, password: Buffer, iterations: number): Promise<Buffer> {
  const { algorithmDer, ciphertext } = await pbes2Encrypt(pkcs8Der, password, iterations);
  return sequence(algorithmDer, octetString(ciphertext));
}

interface TPbes2Params {
  salt: Buffer;
  iterations: number;
  iv: Buffer;
}

/** Reads the parameters we write (PBKDF2-HMAC-SHA256, AES-256-CBC); any other scheme is a `DerError`. */
export function readPbes2Params(algorithm: DerNode): TPbes2Params {
  const [schemeOid, params] = sequenceOf(algorithm, 'AlgorithmIdentifier', 2);
  if (readOid(schemeOid!) !== OID.pbes2) throw new DerError('not PBES2');
  const [kdf, encryption] = sequenceOf(params!, 'PBES2-params', 2);
  const [kdfOid, kdfParams] = sequenceOf(kdf!, 'keyDerivationFunc', 2);
  if (readOid(kdfOid!) !== OID.pbkdf2) throw new DerError('not PBKDF2');
  const [salt, count, prf] = sequenceOf(kdfParams!, 'PBKDF2-params', 3);
  if (readOid(sequenceOf(prf!, 'prf', 1, 2)[0]!) !== OID.hmacWithSHA256) throw new DerError('PRF is not HMAC-SHA256');
  const [cipherOid, iv] = sequenceOf(encryption!, 'encryptionScheme', 2);
  if (readOid(cipherOid!) !== OID.aes256Cbc) throw new DerError('cipher is not AES-256-CBC');
  const iterations = readSmallInteger(count!);
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw new DerError('unreasonable iteration count');
  const ivBytes = content(expectTag(iv!, TAG.OCTET_STRING, 'IV'));
  if (ivBytes.length !== 16) throw new DerError('bad IV length');
  return { salt: content(expectTag(salt!, TAG.OCTET_STRING, 'salt')), iterations, iv: ivBytes };
}

/** Decrypts; a wrong password surfaces as an exception from the padding check (callers map it). */
export async function pbes2Decrypt(params: TPbes2Params, ciphertext: Buffer, password: Buffer): Promise<Buffer> {
  const key = await derive(password, params.salt, params.iterations, 32, 'sha256');
  const decipher = createDecipheriv('aes-256-cbc', key, params.iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
