import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn, lifecycleDates } from './columns.js';
import { employees } from './directory.js';
import { assets } from './inventory.js';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const CA_KEY_TYPES = ['rsa-3072', 'rsa-4096', 'ec-p384'] as const;

/** The internal CA. Its key is stored only sealed (PKCS#8 PBES2); the passphrase never reaches the database. */
export const certificateAuthorities = pgTable(
  'certificate_authorities',
  {
    id: idColumn(),
    name: text('name').notNull(),
    keyType: text('key_type').notNull(),
    certificatePem: text('certificate_pem').notNull(),
    chainPem: text('chain_pem'),
    sealedKeyPem: text('sealed_key_pem').notNull(),
    subject: text('subject').notNull(),
    /** Null only for rows written before the PKI stage (tests' fixtures); every CA Varco stores has one. */
    fingerprintSha256: text('fingerprint_sha256'),
    notBefore: at('not_before').notNull(),
    notAfter: at('not_after').notNull(),
    imported: boolean('imported').notNull().default(false),
    /** Exactly one CA issues at a time (partial unique index below). */
    active: boolean('active').notNull().default(true),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex('certificate_authorities_active_uq').on(t.active).where(sql`active`)],
);

/**
 * CRL numbers only grow. The row survives backups poorly by nature, so publication also refuses a number
 * lower than the last one published (TRAPS: a restore must not move the CRL backwards).
 */
export const crlState = pgTable('crl_state', {
  caId: text('ca_id')
    .primaryKey()
    .references(() => certificateAuthorities.id),
  crlNumber: bigint('crl_number', { mode: 'bigint' }).notNull(),
  thisUpdate: at('this_update').notNull(),
  nextUpdate: at('next_update').notNull(),
  der: bytea('der').notNull(),
  pem: text('pem').notNull(),
  revokedCount: integer('revoked_count').notNull(),
  publishedAt: at('published_at').notNull().defaultNow(),
});

export const CERTIFICATE_KINDS = ['station', 'server'] as const;
export const CERTIFICATE_STATUSES = ['pending', 'issued', 'failed', 'revoked'] as const;
export const CERTIFICATE_FLOWS = ['csr', 'server-key'] as const;

export const certificates = pgTable(
  'certificates',
  {
    id: idColumn(),
    caId: text('ca_id')
      .notNull()
      .references(() => certificateAuthorities.id),
    kind: text('kind', { enum: CERTIFICATE_KINDS }).notNull(),
    flow: text('flow', { enum: CERTIFICATE_FLOWS }).notNull(),
    status: text('status', { enum: CERTIFICATE_STATUSES }).notNull().default('pending'),
    /** 0–100 while pending, set by the issuing worker: the console's progress bar. */
    progress: smallint('progress').notNull().default(0),
    employeeId: text('employee_id').references(() => employees.id),
    /** The laptop the station certificate is bound to (asset tag in the subject). */
    assetId: text('asset_id').references(() => assets.id),
    vpnServerId: text('vpn_server_id'),
    /** Unique per live station (index below): OpenVPN names CCD files by CN, so two stations must never share one. */
    commonName: text('common_name').notNull(),
    /** rsa-2048 | ec-p256 (server-key flow), or what the CSR carried (rsa-3072, ec-p384…). */
    keyType: text('key_type'),
    /** Positive, ≥ 64 random bits; unique per CA by index, not by hope (easy-rsa #1279). Null until issued. */
    serialHex: text('serial_hex'),
    csrPem: text('csr_pem'),
    certificatePem: text('certificate_pem'),
    fingerprintSha256: text('fingerprint_sha256'),
    notBefore: at('not_before'),
    notAfter: at('not_after'),
    validityDays: smallint('validity_days').notNull(),
    /** Idempotency: a retried or duplicated issuance request finds this row instead of issuing twice. */
    issuanceKey: text('issuance_key').notNull(),
    /** Server-key flow: the PKCS#12, encrypted by its one-time password, kept only until the one download. */
    bundleP12: bytea('bundle_p12'),
    bundleOtpSealed: text('bundle_otp_sealed'),
    /** The .ovpn profile: server-key flow = CA + the PKCS#12 inline (encrypted); wiped with the bundle. */
    bundleOvpn: text('bundle_ovpn'),
    bundleDownloadedAt: at('bundle_downloaded_at'),
    /** The hot-line confirmed the station uses it (renewal: the old certificate is then revoked as superseded). */
    installedAt: at('installed_at'),
    /** When the daily job queued the expiry reminder, so it is sent once. */
    expiryReminderAt: at('expiry_reminder_at'),
    revokedAt: at('revoked_at'),
    revocationReason: smallint('revocation_reason'),
    /** Renewal: the certificate this one replaces (revoked as superseded once this one is installed). */
    supersedesId: text('supersedes_id'),
    supersedeDeadline: at('supersede_deadline'),
    failure: text('failure'),
    /** Why issuance failed, as a stable code the console translates (`failure` keeps the worker's English detail). */
    failureCode: text('failure_code'),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('certificates_serial_uq').on(t.caId, t.serialHex),
    uniqueIndex('certificates_issuance_key_uq').on(t.issuanceKey),
    // One live certificate per station; a renewal (supersedes_id set) lives beside the one it replaces until then.
    uniqueIndex('certificates_live_cn_uq')
      .on(t.caId, t.commonName)
      .where(sql`status in ('pending', 'issued') and supersedes_id is null`),
    uniqueIndex('certificates_supersedes_uq').on(t.supersedesId).where(sql`supersedes_id is not null`),
    index('certificates_employee_idx').on(t.employeeId),
    index('certificates_status_expiry_idx').on(t.status, t.notAfter),
  ],
);
