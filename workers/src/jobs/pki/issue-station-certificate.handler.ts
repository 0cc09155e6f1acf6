import { UnrecoverableError } from 'bullmq';
import {
  completeIssuance,
  failIssuance,
  failIssuances,
  getCertificateForIssuance,
  getVpnAccountOfEmployee,
  getVpnAccountsOfEmployees,
  issueCsrRows,
  setIssuanceProgress,
  type TCertificateForIssuance as TCertificate,
  type TCsrRefused,
  type TCsrSigned,
  type TIssuanceFailure,
} from '@varco/db';
import type { TJobContext, TJobHandler } from '../../define-job.js';
import { buildPkcs12, generateSerial, generateStationKey, inspectCsr, issueStationCertificate, type TStationKeyType } from '../../pki/index.js';
import { loadActiveCa, PkiUnavailableError, type TActiveCa } from '../../pki-runtime/ca-keyring.js';
import { openOneTimePassword } from '../../pki-runtime/otp-seal.js';
import { renderStationProfile } from '../../pki-runtime/station-profile.js';
import { ISSUE_ATTEMPTS, type TCertificateJobPayload, type TIssuanceFailureCode } from './issue-station-certificate.js';
import type { TSignCsrsPayload } from './sign-csrs.js';

/** Why a row is not issued: a code the console translates and the English detail (see TIssuanceFailure). */
const FAILURES = {
  caChanged: { code: 'ca_changed', message: 'The CA changed since this certificate was requested: request it again' },
  noGateway: { code: 'no_vpn_gateway', message: 'The employee has no VPN account with an enabled gateway' },
  otpGone: { code: 'otp_gone', message: 'The one-time password is gone: request the certificate again' },
  otpUnreadable: { code: 'otp_unreadable', message: 'The one-time password cannot be opened (the CA passphrase changed?): request the certificate again' },
} as const satisfies Record<string, TIssuanceFailure & { code: TIssuanceFailureCode }>;
const csrFailure = (csr: { code: string; message: string }): TIssuanceFailure => ({ code: csr.code, message: `The CSR is not acceptable (${csr.code}): ${csr.message}` });
const pkiUnavailable = (err: PkiUnavailableError): TIssuanceFailure => ({ code: 'pki_unavailable' satisfies TIssuanceFailureCode, message: err.message });
/** Out of attempts on an unexpected error (a database outage…): the detail is the error's own sentence. */
const lastAttemptFailed = (err: unknown): TIssuanceFailure => ({ code: 'issuance_error' satisfies TIssuanceFailureCode, message: err instanceof Error ? err.message : String(err) });

/** A permanent failure: said on the row (the console shows it) and to BullMQ (no retry). */
async function giveUp(ctx: TJobContext, certificateId: string, failure: TIssuanceFailure): Promise<never> {
  await failIssuance(ctx.db, { certificateId, failure });
  throw new UnrecoverableError(failure.message);
}

export const handleIssueStationCertificate: TJobHandler<TCertificateJobPayload> = async (payload, ctx) => {
  const found = await getCertificateForIssuance(ctx.db, { id: payload.certificateId });
  // The outbox row commits with the certificate row: a missing row is a bug or a deleted row, retrying cannot help.
  if (!found) throw new UnrecoverableError(`Certificate ${payload.certificateId} not found`);
  const certificate = found.certificate;
  if (certificate.status !== 'pending') return { skipped: `already ${certificate.status}`, serialHex: certificate.serialHex };
  try {
    // CSR rows are queued as pki.sign-csrs; a CSR row reaching this job (queued before that job existed) is signed the same way.
    return certificate.flow === 'csr' ? await signCsrs(ctx, [certificate.id]) : await issue(ctx, certificate, found.assetTag);
  } catch (err) {
    if (err instanceof UnrecoverableError) throw err;
    if (err instanceof PkiUnavailableError) return giveUp(ctx, certificate.id, pkiUnavailable(err));
    // Out of attempts: the row must not stay "pending" for ever.
    if (ctx.attemptsMade + 1 >= ISSUE_ATTEMPTS) await failIssuance(ctx.db, { certificateId: certificate.id, failure: lastAttemptFailed(err) });
    throw err;
  }
};

async function issue(ctx: TJobContext, certificate: TCertificate, assetTag: string | null) {
  // Independent reads side by side: a job is a handful of round trips around ~1 ms of signing (EC, CSR).
  const [active, account] = await Promise.all([
    loadActiveCa(ctx.db, ctx.pki ?? null),
    certificate.employeeId ? getVpnAccountOfEmployee(ctx.db, { employeeId: certificate.employeeId }) : null,
  ]);
  if (active.ca.id !== certificate.caId) return giveUp(ctx, certificate.id, FAILURES.caChanged);
  if (!account?.servers.length) return giveUp(ctx, certificate.id, FAILURES.noGateway);
  // Progress costs three writes (job run, BullMQ, certificate row), so it is reported only around the one slow step,
  // an RSA key (0.1–1 s); an EC key or a CSR takes about a millisecond and the whole job a few.
  const isSlow = certificate.flow === 'server-key' && certificate.keyType?.startsWith('rsa') === true;
  if (isSlow) await progress(ctx, certificate, 10);
  const identity = await stationKey(ctx, certificate);
  if (isSlow) await progress(ctx, certificate, 60);
  const issued = signStation(active, certificate, assetTag, identity.publicKeyDer);
  const caChainPem = active.ca.certificatePem + (active.ca.chainPem ?? '');
  let pkcs12Der: Buffer | undefined;
  if (identity.privateKey) {
    const password = await oneTimePassword(ctx, certificate, active);
    pkcs12Der = await buildPkcs12({ privateKey: identity.privateKey, certificatePem: issued.certificatePem, caChainPem, friendlyName: certificate.commonName, password });
  }
  const ovpn = renderStationProfile({ servers: account.servers, caPem: caChainPem, ...(pkcs12Der ? { pkcs12Der } : { certificatePem: issued.certificatePem }) });
  const saved = await completeIssuance(ctx.db, {
    certificateId: certificate.id,
    issued: { serialHex: issued.serialHex, certificatePem: issued.certificatePem, fingerprintSha256: issued.fingerprintSha256, notBefore: issued.notBefore, notAfter: issued.notAfter },
    bundleP12: pkcs12Der ?? null,
    bundleOvpn: ovpn,
  });
  // null: an earlier delivery of this job (or a duplicate job) stored its certificate first; this one is dropped.
  return saved ? { serialHex: saved.serialHex, notAfter: saved.notAfter } : { skipped: 'issued by another delivery' };
}

/** The profile decides subject, SAN and validity; the key (CSR or generated) only brings its public half. */
function signStation(active: TActiveCa, certificate: TCertificate, assetTag: string | null, subjectPublicKeyDer: Buffer) {
  return issueStationCertificate({
    ca: active.signer,
    subjectPublicKeyDer,
    subject: { commonName: certificate.commonName, ...(assetTag && /^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/.test(assetTag) ? { serialNumber: assetTag } : {}) },
    sanUri: [`urn:varco:employee:${certificate.employeeId}`, ...(assetTag ? [`urn:varco:asset:${encodeURIComponent(assetTag)}`] : [])],
    serialHex: generateSerial().hex,
    notBefore: new Date(),
    validityDays: certificate.validityDays,
  });
}

/**
 * CSR flow: the requests the relay packed into this job, signed and completed in one transaction (issueCsrRows). A
 * row that cannot be signed (no VPN gateway, a CSR refused on re-check, a CA that changed) fails with its reason; the
 * others are issued. A PKI that cannot sign at all fails every listed row and is not retried.
 */
export const handleSignCsrs: TJobHandler<TSignCsrsPayload> = async (payload, ctx) => {
  try {
    return await signCsrs(ctx, payload.certificateIds);
  } catch (err) {
    const fail = (failure: TIssuanceFailure) => failIssuances(ctx.db, payload.certificateIds.map((certificateId) => ({ certificateId, failure })));
    if (err instanceof PkiUnavailableError) {
      await fail(pkiUnavailable(err));
      throw new UnrecoverableError(err.message);
    }
    // Out of attempts: the rows must not stay "pending" for ever.
    if (ctx.attemptsMade + 1 >= ISSUE_ATTEMPTS) await fail(lastAttemptFailed(err));
    throw err;
  }
};

async function signCsrs(ctx: TJobContext, certificateIds: string[]) {
  const active = await loadActiveCa(ctx.db, ctx.pki ?? null);
  const caChainPem = active.ca.certificatePem + (active.ca.chainPem ?? '');
  const outcome = await issueCsrRows(ctx.db, {
    certificateIds,
    sign: async (claimed, tx) => {
      const accounts = await getVpnAccountsOfEmployees(tx, { employeeIds: claimed.flatMap(({ certificate: row }) => (row.employeeId ? [row.employeeId] : [])) });
      const signed: TCsrSigned[] = [];
      const refused: TCsrRefused[] = [];
      for (const { certificate: row, assetTag } of claimed) {
        const account = row.employeeId ? accounts.get(row.employeeId) : undefined;
        if (row.caId !== active.ca.id) {
          refused.push({ certificateId: row.id, failure: FAILURES.caChanged });
          continue;
        }
        if (!account?.servers.length) {
          refused.push({ certificateId: row.id, failure: FAILURES.noGateway });
          continue;
        }
        // Checked by the API already; checked again because the row is input too.
        const csr = inspectCsr(row.csrPem ?? '');
        if (!csr.ok) {
          refused.push({ certificateId: row.id, failure: csrFailure(csr) });
          continue;
        }
        const issued = signStation(active, row, assetTag, csr.publicKeyDer);
        signed.push({
          certificateId: row.id,
          issued: { serialHex: issued.serialHex, certificatePem: issued.certificatePem, fingerprintSha256: issued.fingerprintSha256, notBefore: issued.notBefore, notAfter: issued.notAfter },
          bundleOvpn: renderStationProfile({ servers: account.servers, caPem: caChainPem, certificatePem: issued.certificatePem }),
        });
      }
      return { signed, refused };
    },
  });
  return {
    issued: outcome.issued.map((one) => ({ certificateId: one.certificateId, serialHex: one.issued.serialHex })),
    failed: outcome.refused.map((one) => ({ certificateId: one.certificateId, code: one.failure.code })),
    skipped: outcome.skipped,
  };
}

async function progress(ctx: TJobContext, certificate: TCertificate, percent: number) {
  await Promise.all([ctx.progress(percent), setIssuanceProgress(ctx.db, { certificateId: certificate.id, progress: percent })]);
}

/** The public key to certify, and the private key too in the server-key flow (generated off the event loop). */
async function stationKey(ctx: TJobContext, certificate: TCertificate) {
  if (certificate.flow === 'csr') {
    // Checked by the API already; checked again because the row is input too.
    const csr = inspectCsr(certificate.csrPem ?? '');
    if (!csr.ok) return giveUp(ctx, certificate.id, csrFailure(csr));
    return { publicKeyDer: csr.publicKeyDer, privateKey: null };
  }
  const keys = await generateStationKey(certificate.keyType as TStationKeyType);
  return { publicKeyDer: keys.publicKey.export({ type: 'spki', format: 'der' }), privateKey: keys.privateKey };
}

async function oneTimePassword(ctx: TJobContext, certificate: TCertificate, active: TActiveCa): Promise<string> {
  if (!certificate.bundleOtpSealed) return giveUp(ctx, certificate.id, FAILURES.otpGone);
  try {
    return await openOneTimePassword({ sealed: certificate.bundleOtpSealed, passphrase: ctx.pki!.passphrase!, caId: active.ca.id, certificateId: certificate.id });
  } catch {
    return giveUp(ctx, certificate.id, FAILURES.otpUnreadable);
  }
}
