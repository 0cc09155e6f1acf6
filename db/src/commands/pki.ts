import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { REVOCATION_REASON_CODES, type TRevocationReasonName } from '../domain/revocation.js';
import { newId } from '../ids.js';
import { assets, auditLog, certificates, crlState, employees, kitRequestEvents, kitRequestItems } from '../schema/index.js';
import type { TCertificate } from '../queries/pki.js';
import type { TWorkflowRefusal } from '../domain/workflow-refusals.js';
import { SYSTEM_ACTOR, writeAudit, type TActor } from './audit.js';
import { addToOutbox } from './outbox.js';
import { ensureVpnAccount } from './vpn.js';

export type TPkiCommandErrorCode =
  | 'not_found'
  | 'employee_inactive'
  | 'asset_unusable'
  | 'station_has_certificate'
  | 'issuance_key_conflict'
  | 'not_revocable'
  | 'bundle_not_ready'
  | 'bundle_gone'
  | 'not_renewable'
  | 'not_installable';

export class PkiCommandError extends Error {
  constructor(
    readonly code: TPkiCommandErrorCode,
    message: string,
    /** Set where the kit request workflow refuses (a VPN item's certificate): a code the console translates. */
    readonly refusal: TWorkflowRefusal | null = null,
  ) {
    super(message);
    this.name = 'PkiCommandError';
  }
}

export type TCertificateFlow = 'csr' | 'server-key';
export type TStationKeyType = 'rsa-2048' | 'ec-p256';

export interface TStationCertificateParams {
  caId: string;
  employeeId: string;
  assetId: string | null;
  flow: TCertificateFlow;
  /** CSR flow: the request, already checked by the API (the worker checks it again). */
  csrPem: string | null;
  /** Server-key flow: the key the worker generates; CSR flow: what the CSR carries (for display). */
  keyType: string;
  issuanceKey: string;
  validityDays: number;
  /** Server-key flow: seals the one-time password for this row (AES-GCM, row id as associated data). */
  sealOtp: ((certificateId: string) => Promise<string>) | null;
  supersedesId?: string | null;
  supersedeDeadline?: Date | null;
  profileCode?: string | null;
  actor: TActor;
}

export interface TStationCertificateResult {
  certificate: TCertificate;
  /** false: the issuance key found an earlier request (a double click or a retried call): nothing new happened. */
  created: boolean;
}

/** Asset tags may hold spaces, slashes, accents; a CN (and so a CCD file name) gets only A-Z a-z 0-9 . _ - */
export function stationCommonName(employeeId: string, assetTag: string | null): string {
  return assetTag ? `${employeeId}.${assetTag.replace(/[^A-Za-z0-9._-]/g, '-')}`.slice(0, 64) : employeeId;
}

/**
 * The pending row of a station certificate, its job and its audit row, inside the caller's transaction. The issuance
 * key makes it idempotent: the same key returns the same row (a failed one is queued again, with a new password).
 */
export async function insertStationCertificate(tx: Db, params: TStationCertificateParams): Promise<TStationCertificateResult> {
  const [existing] = await tx.select().from(certificates).where(eq(certificates.issuanceKey, params.issuanceKey)).for('update');
  if (existing) return reuseExisting(tx, existing, params);
  const [employee] = await tx.select({ id: employees.id, active: employees.active }).from(employees).where(eq(employees.id, params.employeeId));
  if (!employee) throw new PkiCommandError('not_found', 'No such employee');
  if (!employee.active) throw new PkiCommandError('employee_inactive', 'The employee is not active: no new certificate');
  const assetTag = await stationAssetTag(tx, params);
  const commonName = stationCommonName(params.employeeId, assetTag);
  if (!params.supersedesId) await assertNoLiveCertificate(tx, params.caId, commonName);
  await ensureVpnAccount(tx, { employeeId: params.employeeId, profileCode: params.profileCode ?? null, actor: params.actor });
  const id = newId('certificate');
  const [certificate] = await tx
    .insert(certificates)
    .values({
      id,
      caId: params.caId,
      kind: 'station',
      flow: params.flow,
      employeeId: params.employeeId,
      assetId: params.assetId,
      commonName,
      keyType: params.keyType,
      csrPem: params.csrPem,
      validityDays: params.validityDays,
      issuanceKey: params.issuanceKey,
      bundleOtpSealed: params.sealOtp ? await params.sealOtp(id) : null,
      supersedesId: params.supersedesId ?? null,
      supersedeDeadline: params.supersedeDeadline ?? null,
    })
    .returning();
  await queueIssuance(tx, params.flow, id);
  await writeAudit(tx, params.actor, {
    action: params.supersedesId ? 'certificate.renew' : 'certificate.request',
    targetType: 'certificate',
    targetId: id,
    after: { employeeId: params.employeeId, commonName, flow: params.flow, keyType: params.keyType, supersedesId: params.supersedesId ?? null },
  });
  return { certificate: certificate!, created: true };
}

/**
 * The issuance job, in the caller's transaction. A CSR is signed in ~1.5 ms, far less than a job costs, so CSR rows go
 * to `pki.sign-csrs`, whose outbox rows the relay packs up to 64 to a job; a server-side key (RSA: 0.1–1 s) gets a
 * job of its own, so several workers generate keys side by side.
 */
function queueIssuance(tx: Db, flow: TCertificateFlow, certificateId: string) {
  return flow === 'csr' ? addToOutbox(tx, 'pki.sign-csrs', { certificateIds: [certificateId] }) : addToOutbox(tx, 'pki.issue-station-certificate', { certificateId });
}

async function reuseExisting(tx: Db, existing: TCertificate, params: TStationCertificateParams): Promise<TStationCertificateResult> {
  if (existing.employeeId !== params.employeeId || existing.flow !== params.flow) {
    throw new PkiCommandError('issuance_key_conflict', 'This issuance key was already used for another employee or flow');
  }
  if (existing.status !== 'failed') return { certificate: existing, created: false };
  const [retried] = await tx
    .update(certificates)
    .set({ status: 'pending', progress: 0, failure: null, failureCode: null, csrPem: params.csrPem ?? existing.csrPem, bundleOtpSealed: params.sealOtp ? await params.sealOtp(existing.id) : null })
    .where(eq(certificates.id, existing.id))
    .returning();
  await queueIssuance(tx, existing.flow, existing.id);
  await writeAudit(tx, params.actor, { action: 'certificate.retry', targetType: 'certificate', targetId: existing.id, before: { status: 'failed', failure: existing.failure } });
  return { certificate: retried!, created: true };
}

async function stationAssetTag(tx: Db, params: TStationCertificateParams): Promise<string | null> {
  if (!params.assetId) return null;
  const [asset] = await tx.select().from(assets).where(eq(assets.id, params.assetId));
  if (!asset) throw new PkiCommandError('not_found', 'No such asset');
  if (asset.type !== 'laptop') throw new PkiCommandError('asset_unusable', 'Station certificates are bound to laptops');
  if (asset.assignedEmployeeId && asset.assignedEmployeeId !== params.employeeId) {
    throw new PkiCommandError('asset_unusable', `Laptop ${asset.assetTag} is assigned to someone else`);
  }
  return asset.assetTag;
}

async function assertNoLiveCertificate(tx: Db, caId: string, commonName: string) {
  const [live] = await tx
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(eq(certificates.caId, caId), eq(certificates.commonName, commonName), inArray(certificates.status, ['pending', 'issued']), sql`(${certificates.notAfter} is null or ${certificates.notAfter} > now())`));
  if (live) throw new PkiCommandError('station_has_certificate', `This station already has a certificate (${live.id}): renew or revoke it`);
}

export async function requestStationCertificate(db: Db, params: TStationCertificateParams): Promise<TStationCertificateResult> {
  return db.transaction((tx) => insertStationCertificate(tx, params));
}

/** Locks a certificate row for a change; not found is an error. */
async function lockCertificate(tx: Db, id: string): Promise<TCertificate> {
  const [row] = await tx.select().from(certificates).where(eq(certificates.id, id)).for('update');
  if (!row) throw new PkiCommandError('not_found', 'No such certificate');
  return row;
}

/**
 * Marks an issued certificate revoked and queues the CRL job (published at once, with the next number). Only
 * issued certificates can be revoked; a hold does not exist here, so a revocation is final.
 */
export async function revokeCertificateInTx(tx: Db, params: { certificate: TCertificate; reason: TRevocationReasonName; comment: string | null; actor: TActor }) {
  const { certificate } = params;
  if (certificate.status !== 'issued') throw new PkiCommandError('not_revocable', `A certificate that is "${certificate.status}" cannot be revoked`);
  const revokedAt = new Date();
  const [updated] = await tx
    .update(certificates)
    .set({ status: 'revoked', revokedAt, revocationReason: REVOCATION_REASON_CODES[params.reason], bundleP12: null, bundleOtpSealed: null })
    .where(and(eq(certificates.id, certificate.id), eq(certificates.status, 'issued')))
    .returning();
  await writeAudit(tx, params.actor, {
    action: 'certificate.revoke',
    targetType: 'certificate',
    targetId: certificate.id,
    before: { status: 'issued' },
    after: { status: 'revoked', reason: params.reason, serialHex: certificate.serialHex, comment: params.comment },
  });
  await addToOutbox(tx, 'pki.publish-crl', { caId: certificate.caId, trigger: 'revocation' });
  return updated!;
}

export async function revokeCertificate(db: Db, params: { certificateId: string; reason: TRevocationReasonName; comment: string | null; actor: TActor }) {
  return db.transaction(async (tx) => revokeCertificateInTx(tx, { ...params, certificate: await lockCertificate(tx, params.certificateId) }));
}

/** A lost or stolen kit: every issued certificate bound to the request's items is revoked (keyCompromise). */
export async function revokeCertificatesOfRequest(tx: Db, params: { requestId: string; actor: TActor; comment: string | null }) {
  const rows = await tx
    .select({ certificate: certificates })
    .from(kitRequestItems)
    .innerJoin(certificates, eq(certificates.id, kitRequestItems.certificateId))
    .where(and(eq(kitRequestItems.requestId, params.requestId), eq(certificates.status, 'issued')))
    .for('update', { of: certificates });
  for (const { certificate } of rows) await revokeCertificateInTx(tx, { certificate, reason: 'keyCompromise', comment: params.comment, actor: params.actor });
  return rows.length;
}

export interface TIssuedCertificateFields {
  serialHex: string;
  certificatePem: string;
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * The worker's result, written once: guarded by status = 'pending', so a second delivery of the same job (or a
 * duplicate job) finds nothing to update and the certificate it may have signed is never stored nor handed out.
 * The sealed one-time password is wiped here; the private key never reached the database.
 */
export async function completeIssuance(db: Db, params: { certificateId: string; issued: TIssuedCertificateFields; bundleP12: Buffer | null; bundleOvpn: string }) {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(certificates)
      .set({ status: 'issued', progress: 100, ...params.issued, bundleP12: params.bundleP12, bundleOvpn: params.bundleOvpn, bundleOtpSealed: null, failure: null, failureCode: null })
      .where(and(eq(certificates.id, params.certificateId), eq(certificates.status, 'pending')))
      .returning();
    if (!updated) return null;
    const items = await tx
      .update(kitRequestItems)
      .set({ status: 'issued' })
      .where(and(eq(kitRequestItems.certificateId, updated.id), inArray(kitRequestItems.status, ['pending', 'assigned'])))
      .returning({ id: kitRequestItems.id, requestId: kitRequestItems.requestId });
    for (const item of items) {
      await tx.insert(kitRequestEvents).values({ id: newId('event'), requestId: item.requestId, itemId: item.id, actorName: 'Varco', action: 'certificate-issued', comment: `serial ${params.issued.serialHex}` });
    }
    await writeAudit(tx, { userId: null, username: 'system', role: 'system', requestId: null, ip: null }, {
      action: 'certificate.issue',
      targetType: 'certificate',
      targetId: updated.id,
      after: { serialHex: params.issued.serialHex, notAfter: params.issued.notAfter.toISOString(), fingerprintSha256: params.issued.fingerprintSha256 },
    });
    return updated;
  });
}

export interface TCsrClaim {
  certificate: TCertificate;
  assetTag: string | null;
}

export interface TCsrSigned {
  certificateId: string;
  issued: TIssuedCertificateFields;
  bundleOvpn: string;
}

/**
 * Why an issuance failed: a stable code the console translates (`ca_changed`, `no_vpn_gateway`, `otp_gone`,
 * `otp_unreadable`, `pki_unavailable`, `issuance_error`, or a CSR code such as `csr_bad_signature`) and the worker's
 * English sentence, kept as detail.
 */
export interface TIssuanceFailure {
  code: string;
  message: string;
}

/** A row the signer will not sign (no VPN gateway, a CSR refused on re-check, another CA): failed with this reason. */
export interface TCsrRefused {
  certificateId: string;
  failure: TIssuanceFailure;
}

/**
 * CSR flow, batched: a job costs far more than the ~1.5 ms of signing it does, so the outbox relay packs up to 64
 * pending CSR requests into one job (see the `coalesce` option of a job definition) and this signs them in one
 * transaction. The listed rows are locked in id order — waiting for a row another delivery of an overlapping list
 * holds, never skipping it — and only those still pending reach `sign`. All complete together: one multi-row update
 * guarded by status = 'pending', their kit items, one audit row per certificate; a row `sign` refuses is failed with
 * its reason in the same transaction. Rows no longer pending (an earlier delivery issued them) are counted as skipped.
 */
export async function issueCsrRows(
  db: Db,
  params: { certificateIds: string[]; sign: (claimed: TCsrClaim[], tx: Db) => Promise<{ signed: TCsrSigned[]; refused: TCsrRefused[] }> },
): Promise<{ issued: TCsrSigned[]; refused: TCsrRefused[]; skipped: number }> {
  return db.transaction(async (tx) => {
    const locked = await tx
      .select({ certificate: certificates, assetTag: assets.assetTag })
      .from(certificates)
      .leftJoin(assets, eq(assets.id, certificates.assetId))
      .where(and(inArray(certificates.id, params.certificateIds), eq(certificates.flow, 'csr')))
      .orderBy(asc(certificates.id))
      .for('update', { of: certificates });
    const claimed = locked.filter((row) => row.certificate.status === 'pending');
    const skipped = params.certificateIds.length - claimed.length;
    if (!claimed.length) return { issued: [], refused: [], skipped };
    const { signed, refused } = await params.sign(claimed, tx);
    if (refused.length) await failIssuances(tx, refused);
    if (!signed.length) return { issued: [], refused, skipped };
    const column = <T>(value: (one: TCsrSigned) => T) => sql.param(signed.map(value));
    const updated = (await tx.execute(sql`
      update ${certificates} as c
         set status = 'issued', progress = 100, serial_hex = v.serial_hex, certificate_pem = v.certificate_pem,
             fingerprint_sha256 = v.fingerprint_sha256, not_before = v.not_before, not_after = v.not_after,
             bundle_p12 = null, bundle_ovpn = v.bundle_ovpn, bundle_otp_sealed = null, failure = null, failure_code = null,
             updated_at = now()
        from unnest(${column((one) => one.certificateId)}::text[], ${column((one) => one.issued.serialHex)}::text[],
                    ${column((one) => one.issued.certificatePem)}::text[], ${column((one) => one.issued.fingerprintSha256)}::text[],
                    ${column((one) => one.issued.notBefore.toISOString())}::timestamptz[], ${column((one) => one.issued.notAfter.toISOString())}::timestamptz[],
                    ${column((one) => one.bundleOvpn)}::text[])
             as v(id, serial_hex, certificate_pem, fingerprint_sha256, not_before, not_after, bundle_ovpn)
       where c.id = v.id and c.status = 'pending'
      returning c.id`)) as unknown as { rows: { id: string }[] };
    const updatedIds = new Set(updated.rows.map((row) => row.id));
    const issued = signed.filter((one) => updatedIds.has(one.certificateId));
    if (!issued.length) return { issued, refused, skipped };
    const bySerial = new Map(issued.map((one) => [one.certificateId, one.issued.serialHex]));
    const items = await tx
      .update(kitRequestItems)
      .set({ status: 'issued' })
      .where(and(inArray(kitRequestItems.certificateId, [...updatedIds]), inArray(kitRequestItems.status, ['pending', 'assigned'])))
      .returning({ id: kitRequestItems.id, requestId: kitRequestItems.requestId, certificateId: kitRequestItems.certificateId });
    if (items.length) {
      await tx.insert(kitRequestEvents).values(
        items.map((item) => ({ id: newId('event'), requestId: item.requestId, itemId: item.id, actorName: 'Varco', action: 'certificate-issued', comment: `serial ${bySerial.get(item.certificateId!)}` })),
      );
    }
    await tx.insert(auditLog).values(
      issued.map((one) => ({
        actorUserId: SYSTEM_ACTOR.userId,
        actorUsername: SYSTEM_ACTOR.username,
        actorRole: SYSTEM_ACTOR.role,
        action: 'certificate.issue',
        targetType: 'certificate',
        targetId: one.certificateId,
        before: null,
        after: { serialHex: one.issued.serialHex, notAfter: one.issued.notAfter.toISOString(), fingerprintSha256: one.issued.fingerprintSha256 },
        requestId: null,
        ip: null,
      })),
    );
    return { issued, refused, skipped };
  });
}

export async function failIssuance(db: Db, params: { certificateId: string; failure: TIssuanceFailure }) {
  await failIssuances(db, [params]);
}

/** Pending rows that will not be issued, each with its reason (shown on the row); other states are left alone. */
export async function failIssuances(db: Db, failures: { certificateId: string; failure: TIssuanceFailure }[]) {
  for (const { certificateId, failure } of failures) {
    await db
      .update(certificates)
      .set({ status: 'failed', failure: failure.message.slice(0, 500), failureCode: failure.code.slice(0, 64), bundleOtpSealed: null })
      .where(and(eq(certificates.id, certificateId), eq(certificates.status, 'pending')));
  }
}

export async function setIssuanceProgress(db: Db, params: { certificateId: string; progress: number }) {
  await db
    .update(certificates)
    .set({ progress: Math.max(0, Math.min(99, Math.round(params.progress))) })
    .where(and(eq(certificates.id, params.certificateId), eq(certificates.status, 'pending')));
}

export interface TBundle {
  flow: TCertificateFlow;
  commonName: string;
  certificatePem: string;
  ovpn: string;
  p12: Buffer | null;
}

/**
 * Hands the bundle out. Server-key flow: once — the PKCS#12 and the profile holding it are wiped in the same
 * transaction, so a second call (or a concurrent one) gets `bundle_gone`. CSR flow: certificate and profile hold
 * no secret and can be fetched again.
 */
export async function takeBundle(db: Db, params: { certificateId: string; actor: TActor }): Promise<TBundle> {
  return db.transaction(async (tx) => {
    const row = await lockCertificate(tx, params.certificateId);
    if (row.status === 'pending' || row.status === 'failed') throw new PkiCommandError('bundle_not_ready', `The certificate is ${row.status}: there is no bundle`);
    if (row.flow === 'server-key' && (row.bundleDownloadedAt || !row.bundleP12)) {
      throw new PkiCommandError('bundle_gone', 'The bundle was already downloaded once and has been deleted. If it was lost, revoke this certificate and issue a new one.');
    }
    if (row.status === 'revoked') throw new PkiCommandError('bundle_gone', 'The certificate is revoked: its bundle is no longer available');
    const bundle: TBundle = { flow: row.flow, commonName: row.commonName, certificatePem: row.certificatePem!, ovpn: row.bundleOvpn ?? '', p12: row.bundleP12 };
    if (row.flow === 'server-key') {
      await tx.update(certificates).set({ bundleP12: null, bundleOvpn: null, bundleDownloadedAt: new Date() }).where(eq(certificates.id, row.id));
    }
    await writeAudit(tx, params.actor, { action: 'certificate.bundle-download', targetType: 'certificate', targetId: row.id, after: { flow: row.flow } });
    return bundle;
  });
}

/** Renewal: a new certificate for the same station; the old one stays valid until this one is installed or the deadline. */
export async function renewCertificate(db: Db, params: Omit<TStationCertificateParams, 'caId' | 'employeeId' | 'assetId' | 'supersedesId' | 'supersedeDeadline'> & { certificateId: string; graceDays: number; caId: string }) {
  return db.transaction(async (tx) => {
    const old = await lockCertificate(tx, params.certificateId);
    if (old.status !== 'issued' || old.kind !== 'station' || !old.employeeId) throw new PkiCommandError('not_renewable', `A certificate that is "${old.status}" cannot be renewed`);
    // One renewal per certificate (unique index): a pending or issued one is the answer; a failed one is retried.
    const [renewal] = await tx.select().from(certificates).where(eq(certificates.supersedesId, old.id));
    if (renewal && renewal.status !== 'failed') return { certificate: renewal, created: false };
    return insertStationCertificate(tx, {
      ...params,
      issuanceKey: renewal ? renewal.issuanceKey : params.issuanceKey,
      employeeId: old.employeeId,
      assetId: old.assetId,
      supersedesId: old.id,
      supersedeDeadline: new Date(Date.now() + params.graceDays * 86_400_000),
    });
  });
}

/** The hot-line confirms the station uses this certificate; a renewal then retires the one it replaces (superseded). */
export async function confirmInstalled(db: Db, params: { certificateId: string; actor: TActor }) {
  return db.transaction(async (tx) => {
    const row = await lockCertificate(tx, params.certificateId);
    if (row.status !== 'issued') throw new PkiCommandError('not_installable', `A certificate that is "${row.status}" cannot be confirmed installed`);
    const [updated] = await tx.update(certificates).set({ installedAt: row.installedAt ?? new Date() }).where(eq(certificates.id, row.id)).returning();
    await writeAudit(tx, params.actor, { action: 'certificate.installed', targetType: 'certificate', targetId: row.id });
    if (row.supersedesId) {
      const old = await lockCertificate(tx, row.supersedesId);
      if (old.status === 'issued') await revokeCertificateInTx(tx, { certificate: old, reason: 'superseded', comment: `replaced by ${row.id}`, actor: params.actor });
    }
    return updated!;
  });
}

/** Daily: renewals past their deadline retire the certificate they replace, installed or not. */
export async function retireSupersededCertificate(db: Db, params: { renewalId: string; actor: TActor }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const renewal = await lockCertificate(tx, params.renewalId);
    if (!renewal.supersedesId || renewal.status !== 'issued') return false;
    const old = await lockCertificate(tx, renewal.supersedesId);
    if (old.status !== 'issued') return false;
    await revokeCertificateInTx(tx, { certificate: old, reason: 'superseded', comment: `renewal deadline passed; replaced by ${renewal.id}`, actor: params.actor });
    return true;
  });
}

/** Daily: one reminder job per certificate entering the warning window (marked, so each is reminded once). */
export async function queueExpiryReminders(db: Db, params: { now: Date; withinDays: number }): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(certificates)
      .set({ expiryReminderAt: params.now })
      .where(
        and(
          eq(certificates.kind, 'station'),
          eq(certificates.status, 'issued'),
          sql`${certificates.expiryReminderAt} is null`,
          sql`${certificates.notAfter} > ${params.now}`,
          sql`${certificates.notAfter} <= ${new Date(params.now.getTime() + params.withinDays * 86_400_000)}`,
          sql`not exists (select 1 from certificates renewal where renewal.supersedes_id = ${certificates.id} and renewal.status in ('pending', 'issued'))`,
        ),
      )
      .returning({ id: certificates.id });
    for (const row of due) await addToOutbox(tx, 'pki.expiry-reminder', { certificateId: row.id });
    return due.length;
  });
}

/** Stable 63-bit lock key per CA for pg_advisory_xact_lock: one CRL publication per CA at a time. */
function crlLockKey(caId: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const char of `crl:${caId}`) hash = ((hash ^ BigInt(char.charCodeAt(0))) * 0x100000001b3n) & 0x7fffffffffffffffn;
  return hash;
}

/**
 * Runs a CRL publication under a per-CA transaction lock, so two workers never sign two CRLs with one number.
 * The callback builds and signs; `saveCrl` stores the result in the same transaction.
 */
export async function withCrlLock<T>(db: Db, params: { caId: string }, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${crlLockKey(params.caId)}::bigint)`);
    return work(tx);
  });
}

export async function saveCrl(tx: Db, params: { caId: string; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date; der: Buffer; pem: string; revokedCount: number }) {
  const values = { ...params, publishedAt: new Date() };
  await tx.insert(crlState).values(values).onConflictDoUpdate({ target: crlState.caId, set: values });
}

/** Revocations the database lost (a restored backup) but the revocation log kept: applied again, never undone. */
export async function reapplyRevocations(tx: Db, params: { caId: string; entries: { serialHex: string; revokedAt: Date; reason: TRevocationReasonName }[] }) {
  let count = 0;
  for (const entry of params.entries) {
    const updated = await tx
      .update(certificates)
      .set({ status: 'revoked', revokedAt: entry.revokedAt, revocationReason: REVOCATION_REASON_CODES[entry.reason], bundleP12: null, bundleOtpSealed: null })
      .where(and(eq(certificates.caId, params.caId), eq(certificates.serialHex, entry.serialHex), isNotNull(certificates.serialHex), sql`${certificates.status} <> 'revoked'`))
      .returning({ id: certificates.id });
    count += updated.length;
  }
  return count;
}

/** A gateway certificate issued by the CLI: recorded (serial unique per CA, revocable); its key went to a file. */
export async function recordGatewayCertificate(
  db: Db,
  params: { caId: string; serverId: string; commonName: string; keyType: string; validityDays: number; issued: TIssuedCertificateFields; actor: TActor },
) {
  return db.transaction(async (tx) => {
    const id = newId('certificate');
    const [row] = await tx
      .insert(certificates)
      .values({
        id,
        caId: params.caId,
        kind: 'server',
        flow: 'server-key',
        status: 'issued',
        progress: 100,
        vpnServerId: params.serverId,
        commonName: params.commonName,
        keyType: params.keyType,
        validityDays: params.validityDays,
        issuanceKey: `gateway:${id}`,
        ...params.issued,
      })
      .returning();
    await writeAudit(tx, params.actor, { action: 'certificate.issue-gateway', targetType: 'certificate', targetId: id, after: { serverId: params.serverId, serialHex: params.issued.serialHex } });
    return row!;
  });
}
