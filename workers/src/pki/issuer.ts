import { X509Certificate, type KeyObject } from 'node:crypto';
import { signatureAlgorithmFor, type TSignatureAlgorithm } from './algorithms.js';
import { PkiError, PkiInputError } from './errors.js';
import { keyIdentifier } from './extensions.js';
import { parseCertificate, subjectKeyId } from './x509-reader.js';

/** A CA as the engine uses it: its certificate and its (already opened) private key. */
export interface TCaSigner {
  certificatePem: string;
  privateKey: KeyObject;
}

/** What signing needs from the CA certificate, parsed once. */
export interface TIssuer {
  readonly certificateDer: Buffer;
  /** Copied verbatim into every issued certificate and CRL: name matching compares bytes in some clients. */
  readonly subjectNameDer: Buffer;
  /** The CA's own SKI when it has one (an imported CA may use SHA-1 ids), else RFC 7093 over its key. */
  readonly keyId: Buffer;
  readonly notAfter: Date;
  readonly signature: TSignatureAlgorithm;
  readonly privateKey: KeyObject;
}

// Parsed issuers per key object: a batch of 5,000 issuances parses the CA certificate once, not 5,000 times.
const cache = new WeakMap<KeyObject, Map<string, TIssuer>>();

export function loadIssuer(ca: TCaSigner): TIssuer {
  const perKey = cache.get(ca.privateKey) ?? new Map<string, TIssuer>();
  const cached = perKey.get(ca.certificatePem);
  if (cached) return cached;
  const issuer = parseIssuer(ca);
  if (perKey.size >= 8) perKey.clear();
  perKey.set(ca.certificatePem, issuer);
  cache.set(ca.privateKey, perKey);
  return issuer;
}

function parseIssuer(ca: TCaSigner): TIssuer {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(ca.certificatePem);
  } catch {
    throw new PkiInputError('the CA certificate is not a valid PEM certificate');
  }
  if (ca.privateKey.type !== 'private') throw new PkiInputError('the CA key must be a private key');
  if (!x509.checkPrivateKey(ca.privateKey)) throw new PkiError('pki_key_mismatch', 'the CA key does not match the CA certificate');
  if (!x509.ca) throw new PkiInputError('the CA certificate is not a CA (basicConstraints CA:TRUE missing)');
  const parsed = parseCertificate(x509.raw);
  return {
    certificateDer: x509.raw,
    subjectNameDer: parsed.subjectDer,
    keyId: subjectKeyId(parsed) ?? keyIdentifier(parsed.spkiDer),
    notAfter: parsed.notAfter,
    signature: signatureAlgorithmFor(ca.privateKey),
    privateKey: ca.privateKey,
  };
}
