import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { describeKey, signTbs, type TSignatureAlgorithm } from './algorithms.js';
import { bitString, explicit, integer, sequence, time, toPem } from './der.js';
import { PkiInputError } from './errors.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extendedKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
  type TKeyUsage,
} from './extensions.js';
import { loadIssuer, type TCaSigner } from './issuer.js';
import { encodeName, type TSubject } from './names.js';
import { OID } from './oids.js';
import { parseSerialHex } from './serial.js';
import { assertDate, assertPositiveInteger } from './validate.js';

/** Clocks on stations and gateways drift; a certificate valid "from now" would be refused for a few minutes. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
export const MAX_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;

export interface TTbsFields {
  serialDer: Buffer;
  signature: TSignatureAlgorithm;
  issuerNameDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectNameDer: Buffer;
  spkiDer: Buffer;
  extensions: Buffer[];
}

/** X.509 v3 certificate DER: TBS encoded once, signed natively over those exact bytes. */
export function signCertificate(fields: TTbsFields, privateKey: KeyObject): Buffer {
  const tbs = sequence(
    explicit(0, integer(2)),
    fields.serialDer,
    fields.signature.identifierDer,
    fields.issuerNameDer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subjectNameDer,
    fields.spkiDer,
    explicit(3, sequence(...fields.extensions)),
  );
  return sequence(tbs, fields.signature.identifierDer, bitString(signTbs(fields.signature, privateKey, tbs)));
}

export interface TIssueCertificateParams {
  ca: TCaSigner;
  /** SubjectPublicKeyInfo DER: from `inspectCsr` (CSR flow) or `publicKey.export({ type: 'spki', format: 'der' })`. */
  subjectPublicKeyDer: Buffer;
  /** From the database (employee id, asset tag), never from a CSR. */
  subject: TSubject;
  sanDns?: string[];
  sanUri?: string[];
  serialHex: string;
  notBefore: Date;
  validityDays: number;
  /** 'client' (stations, EKU clientAuth) by default; 'server' for VPN gateways (EKU serverAuth, a DNS SAN). */
  profile?: 'client' | 'server';
}

export interface TIssuedCertificate {
  certificatePem: string;
  certificateDer: Buffer;
  serialHex: string;
  /** As written in the certificate: back-dated by CLOCK_SKEW_MS. */
  notBefore: Date;
  /** notBefore + validityDays, cut to the CA's own notAfter. */
  notAfter: Date;
  fingerprintSha256: string;
}

/** Station (client) or gateway (server) certificate. Every field comes from the profile; nothing from a CSR. */
export function issueStationCertificate(params: TIssueCertificateParams): TIssuedCertificate {
  const issuer = loadIssuer(params.ca);
  const profile = params.profile ?? 'client';
  const { spkiDer, keyKind } = normalizeSubjectKey(params.subjectPublicKeyDer);
  const serial = parseSerialHex(params.serialHex);
  const validity = validityWindow(params.notBefore, params.validityDays, issuer.notAfter);
  if (profile === 'server' && !params.sanDns?.length) throw new PkiInputError('a server certificate needs at least one DNS name');
  const usages: TKeyUsage[] = keyKind === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
  const san = subjectAltName({ dns: params.sanDns, uri: params.sanUri });
  const extensions = [
    basicConstraints({ ca: false }),
    keyUsage(usages),
    extendedKeyUsage([profile === 'server' ? OID.serverAuth : OID.clientAuth]),
    subjectKeyIdentifier(keyIdentifier(spkiDer)),
    authorityKeyIdentifier(issuer.keyId),
    ...(san ? [san] : []),
  ];
  const der = signCertificate(
    {
      serialDer: serial.der,
      signature: issuer.signature,
      issuerNameDer: issuer.subjectNameDer,
      ...validity,
      subjectNameDer: encodeName(params.subject),
      spkiDer,
      extensions,
    },
    issuer.privateKey,
  );
  return {
    certificatePem: toPem('CERTIFICATE', der),
    certificateDer: der,
    serialHex: serial.hex,
    ...validity,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
  };
}

/** Station keys we sign: RSA 2048–8192 and EC P-256/P-384, re-encoded by OpenSSL so odd encodings never pass through. */
function normalizeSubjectKey(der: Buffer): { spkiDer: Buffer; keyKind: 'rsa' | 'ec' } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new PkiInputError('subjectPublicKeyDer is not a valid SubjectPublicKeyInfo');
  }
  const description = describeKey(key);
  const allowed =
    description?.kind === 'rsa'
      ? description.bits >= 2048 && description.bits <= 8192
      : description?.kind === 'ec' && description.curve !== 'P-521';
  if (!description || !allowed) throw new PkiInputError('station keys must be RSA 2048–8192 or EC P-256/P-384');
  return { spkiDer: key.export({ type: 'spki', format: 'der' }), keyKind: description.kind };
}

/** Whole seconds (the DER has no fractions), back-dated for skew, never past the CA's own expiry. */
export function validityWindow(notBefore: Date, validityDays: number, caNotAfter: Date): { notBefore: Date; notAfter: Date } {
  assertDate(notBefore, 'notBefore');
  assertPositiveInteger(validityDays, 'validityDays', MAX_VALIDITY_DAYS);
  const start = Math.floor(notBefore.getTime() / 1000) * 1000;
  const end = Math.min(start + validityDays * DAY_MS, Math.floor(caNotAfter.getTime() / 1000) * 1000);
  if (end <= start) throw new PkiInputError('the CA expires before this certificate would start');
  return { notBefore: new Date(start - CLOCK_SKEW_MS), notAfter: new Date(end) };
}
