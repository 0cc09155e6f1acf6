import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { describeKey, signatureAlgorithmFor, type TKeyDescription } from './algorithms.js';
import { CLOCK_SKEW_MS, signCertificate } from './certificate.js';
import { toPem } from './der.js';
import { CaImportError } from './errors.js';
import { authorityKeyIdentifier, basicConstraints, keyIdentifier, keyUsage, subjectKeyIdentifier, KEY_USAGE_BITS } from './extensions.js';
import { generateCaKey, type TCaKeyType } from './keys.js';
import { encodeName } from './names.js';
import { readPemBlocks, readSinglePem } from './pem.js';
import { generateSerial } from './serial.js';
import { assertPositiveInteger } from './validate.js';
import { keyUsageBits, parseCertificate } from './x509-reader.js';

export const MAX_CA_VALIDITY_DAYS = 25 * 366;

export interface TCreateCaParams {
  keyType: TCaKeyType;
  subject: { commonName: string; organization: string; country: string };
  validityDays: number;
  /** For tests and reproducible runs; defaults to now. */
  now?: Date;
}

export interface TCaMaterial {
  certificatePem: string;
  /** Unencrypted PKCS#8: seal it with `sealPrivateKey` before it touches a disk or a database. */
  privateKeyPem: string;
}

/**
 * A self-signed root. pathLen 0: this root signs stations and gateways directly, so a certificate it issued can
 * never act as a CA even if a profile bug set CA:TRUE. keyCertSign + cRLSign only: the root signs nothing else.
 */
export async function createCa(params: TCreateCaParams): Promise<TCaMaterial> {
  assertPositiveInteger(params.validityDays, 'validityDays', MAX_CA_VALIDITY_DAYS);
  const { publicKey, privateKey } = await generateCaKey(params.keyType);
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spkiDer);
  const nameDer = encodeName(params.subject);
  const der = signCertificate(
    {
      serialDer: generateSerial().der,
      signature: signatureAlgorithmFor(privateKey),
      issuerNameDer: nameDer,
      ...caValidity(params.now ?? new Date(), params.validityDays),
      subjectNameDer: nameDer,
      spkiDer,
      extensions: [
        basicConstraints({ ca: true, pathLength: 0 }),
        keyUsage(['keyCertSign', 'cRLSign']),
        subjectKeyIdentifier(keyId),
        authorityKeyIdentifier(keyId),
      ],
    },
    privateKey,
  );
  return {
    certificatePem: toPem('CERTIFICATE', der),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function caValidity(now: Date, validityDays: number): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(start - CLOCK_SKEW_MS), notAfter: new Date(start + validityDays * 86_400_000) };
}

export interface TImportCaParams {
  certificatePem: string;
  /** PKCS#8 or traditional PEM; encrypted PEM needs `passphrase`. */
  privateKeyPem: string;
  passphrase?: string;
  /** Issuers above this CA, nearest first, for clients that need the chain. */
  chainPem?: string;
  now?: Date;
}

export interface TImportedCa {
  certificatePem: string;
  chainPem: string;
  privateKey: KeyObject;
  key: TKeyDescription;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

/** Checks an existing root or intermediate and its key before the console trusts it; each failure has its own code. */
export function importCa(params: TImportCaParams): TImportedCa {
  const certificate = readCaCertificate(params.certificatePem);
  const privateKey = readCaKey(params.privateKeyPem, params.passphrase);
  const key = describeKey(privateKey);
  if (!key || (key.kind === 'rsa' && key.bits < 2048)) {
    throw new CaImportError('ca_key_unsupported', 'CA keys must be RSA ≥ 2048 bits or EC P-256/P-384/P-521');
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new CaImportError('ca_key_mismatch', 'the private key does not belong to this certificate');
  assertIsCa(certificate);
  assertCurrentlyValid(certificate, params.now ?? new Date(), 'ca');
  const chain = readChain(certificate, params.chainPem ?? '', params.now ?? new Date());
  return {
    certificatePem: toPem('CERTIFICATE', certificate.raw),
    chainPem: chain.map((issuer) => toPem('CERTIFICATE', issuer.raw)).join(''),
    privateKey,
    key,
    subject: certificate.subject.replace(/\n/g, ', '),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    fingerprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
  };
}

function readCaCertificate(pem: string): X509Certificate {
  const der = readSinglePem(pem, ['CERTIFICATE']);
  try {
    if (!der) throw new Error('not one PEM certificate');
    parseCertificate(der); // the strict reader the signer uses must accept it too
    return new X509Certificate(der);
  } catch {
    throw new CaImportError('ca_certificate_invalid', 'expected exactly one PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
}

function readCaKey(pem: string, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch {
    // OpenSSL's message is not passed on: it says nothing useful and must never carry key material.
    throw new CaImportError('ca_key_invalid', 'the private key cannot be read (wrong format, or encrypted with another passphrase)');
  }
}

function assertIsCa(certificate: X509Certificate): void {
  if (!certificate.ca) throw new CaImportError('ca_not_a_ca', 'the certificate is not a CA (basicConstraints CA:TRUE is missing)');
  const usages = keyUsageBits(parseCertificate(certificate.raw));
  if (!usages?.has(KEY_USAGE_BITS.keyCertSign) || !usages.has(KEY_USAGE_BITS.cRLSign)) {
    throw new CaImportError('ca_not_a_ca', 'the CA certificate must allow keyCertSign and cRLSign in keyUsage');
  }
}

function assertCurrentlyValid(certificate: X509Certificate, now: Date, what: 'ca' | 'chain'): void {
  if (now < new Date(certificate.validFrom)) {
    throw new CaImportError(what === 'ca' ? 'ca_not_yet_valid' : 'ca_chain_invalid', `${certificate.subject} is not valid yet`);
  }
  if (now > new Date(certificate.validTo)) {
    throw new CaImportError(what === 'ca' ? 'ca_expired' : 'ca_chain_invalid', `${certificate.subject} expired on ${certificate.validTo}`);
  }
}

/** Each certificate must be issued and signed by the next one; the chain is served to clients as given. */
function readChain(certificate: X509Certificate, chainPem: string, now: Date): X509Certificate[] {
  const blocks = chainPem.trim() === '' ? [] : readPemBlocks(chainPem);
  if (!blocks || blocks.some((block) => block.label !== 'CERTIFICATE')) {
    throw new CaImportError('ca_chain_invalid', 'the chain must be PEM certificates only');
  }
  const chain: X509Certificate[] = [];
  let child = certificate;
  for (const block of blocks) {
    let issuer: X509Certificate;
    try {
      issuer = new X509Certificate(block.der);
    } catch {
      throw new CaImportError('ca_chain_invalid', 'a chain certificate cannot be parsed');
    }
    if (!issuer.ca || !child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      throw new CaImportError('ca_chain_invalid', `${child.subject.replace(/\n/g, ', ')} is not signed by the next chain certificate`);
    }
    assertCurrentlyValid(issuer, now, 'chain');
    chain.push(issuer);
    child = issuer;
  }
  return chain;
}
