import { UnrecoverableError } from 'bullmq';
import { completeIssuance, failIssuance, getCertificateDetail, getVpnAccountOfEmployee, setIssuanceProgress, type TCertificate } from '@varco/db';
import type { TJobContext, TJobHandler } from '../../define-job.js';
import { buildPkcs12, generateSerial, generateStationKey, inspectCsr, issueStationCertificate, type TStationKeyType } from '../../pki/index.js';
import { loadActiveCa, PkiUnavailableError, type TActiveCa } from '../../pki-runtime/ca-keyring.js';
import { openOneTimePassword } from '../../pki-runtime/otp-seal.js';
import { renderStationProfile } from '../../pki-runtime/station-profile.js';
import { ISSUE_ATTEMPTS, type TCertificateJobPayload } from './issue-station-certificate.js';

/** A permanent failure: said on the row (the console shows it) and to BullMQ (no retry). */
async function giveUp(ctx: TJobContext, certificateId: string, message: string): Promise<never> {
  await failIssuance(ctx.db, { certificateId, failure: message });
  throw new UnrecoverableError(message);
}

export const handleIssueStationCertificate: TJobHandler<TCertificateJobPayload> = async (payload, ctx) => {
  const found = await getCertificateDetail(ctx.db, { id: payload.certificateId });
  // The outbox row commits with the certificate row: a missing row is a bug or a deleted row, retrying cannot help.
  if (!found) throw new UnrecoverableError(`Certificate ${payload.certificateId} not found`);
  const certificate = found.certificate;
  if (certificate.status !== 'pending') return { skipped: `already ${certificate.status}`, serialHex: certificate.serialHex };
  try {
    return await issue(ctx, certificate, found.assetTag);
  } catch (err) {
    if (err instanceof UnrecoverableError) throw err;
    if (err instanceof PkiUnavailableError) return giveUp(ctx, certificate.id, err.message);
    // Out of attempts: the row must not stay "pending" for ever.
    if (ctx.attemptsMade + 1 >= ISSUE_ATTEMPTS) await failIssuance(ctx.db, { certificateId: certificate.id, failure: (err as Error).message });
    throw err;
  }
};

async function issue(ctx: TJobContext, certificate: TCertificate, assetTag: string | null) {
  // Independent reads side by side: a job is a handful of round trips around ~1 ms of signing (EC, CSR).
  const [active, account] = await Promise.all([
    loadActiveCa(ctx.db, ctx.pki ?? null),
    certificate.employeeId ? getVpnAccountOfEmployee(ctx.db, { employeeId: certificate.employeeId }) : null,
  ]);
  if (active.ca.id !== certificate.caId) return giveUp(ctx, certificate.id, 'The CA changed since this certificate was requested: request it again');
  if (!account?.servers.length) return giveUp(ctx, certificate.id, 'The employee has no VPN account with an enabled gateway');
  // Progress costs three writes (job run, BullMQ, certificate row), so it is reported only around the one slow step,
  // an RSA key (0.1–1 s); an EC key or a CSR takes about a millisecond and the whole job a few.
  const isSlow = certificate.flow === 'server-key' && certificate.keyType?.startsWith('rsa') === true;
  if (isSlow) await progress(ctx, certificate, 10);
  const identity = await stationKey(ctx, certificate);
  if (isSlow) await progress(ctx, certificate, 60);
  const issued = issueStationCertificate({
    ca: active.signer,
    subjectPublicKeyDer: identity.publicKeyDer,
    subject: { commonName: certificate.commonName, ...(assetTag && /^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/.test(assetTag) ? { serialNumber: assetTag } : {}) },
    sanUri: [`urn:varco:employee:${certificate.employeeId}`, ...(assetTag ? [`urn:varco:asset:${encodeURIComponent(assetTag)}`] : [])],
    serialHex: generateSerial().hex,
    notBefore: new Date(),
    validityDays: certificate.validityDays,
  });
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

async function progress(ctx: TJobContext, certificate: TCertificate, percent: number) {
  await Promise.all([ctx.progress(percent), setIssuanceProgress(ctx.db, { certificateId: certificate.id, progress: percent })]);
}

/** The public key to certify, and the private key too in the server-key flow (generated off the event loop). */
async function stationKey(ctx: TJobContext, certificate: TCertificate) {
  if (certificate.flow === 'csr') {
    // Checked by the API already; checked again because the row is input too.
    const csr = inspectCsr(certificate.csrPem ?? '');
    if (!csr.ok) return giveUp(ctx, certificate.id, `The CSR is not acceptable (${csr.code}): ${csr.message}`);
    return { publicKeyDer: csr.publicKeyDer, privateKey: null };
  }
  const keys = await generateStationKey(certificate.keyType as TStationKeyType);
  return { publicKeyDer: keys.publicKey.export({ type: 'spki', format: 'der' }), privateKey: keys.privateKey };
}

async function oneTimePassword(ctx: TJobContext, certificate: TCertificate, active: TActiveCa): Promise<string> {
  if (!certificate.bundleOtpSealed) return giveUp(ctx, certificate.id, 'The one-time password is gone: request the certificate again');
  try {
    return await openOneTimePassword({ sealed: certificate.bundleOtpSealed, passphrase: ctx.pki!.passphrase!, caId: active.ca.id, certificateId: certificate.id });
  } catch {
    return giveUp(ctx, certificate.id, 'The one-time password cannot be opened (the CA passphrase changed?): request the certificate again');
  }
}
