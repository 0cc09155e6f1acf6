import { z } from 'zod';
import { pageOf, ZPageQuery } from './common.js';

/** RFC 5280 reasons an operator may choose (certificateHold is absent: a hold can be lifted). */
export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'] as const;
export const ZRevocationReason = z.enum(REVOCATION_REASONS).meta({ id: 'RevocationReason' });
export type TRevocationReason = z.infer<typeof ZRevocationReason>;

export const STATION_KEY_TYPES = ['ec-p256', 'rsa-2048'] as const;
export const ZStationKeyType = z.enum(STATION_KEY_TYPES).meta({ id: 'StationKeyType' });
export const CERTIFICATE_FLOWS = ['server-key', 'csr'] as const;
export const ZCertificateFlow = z.enum(CERTIFICATE_FLOWS).meta({ id: 'CertificateFlow' });
export const CERTIFICATE_STATES = ['pending', 'active', 'expiring', 'expired', 'revoked', 'failed'] as const;
export const ZCertificateState = z.enum(CERTIFICATE_STATES).meta({ id: 'CertificateState' });
export type TCertificateState = z.infer<typeof ZCertificateState>;

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{10,32}$`), `must be an id starting with ${prefix}_`);
/** Client-chosen idempotency key: the same key never issues twice. */
const ZIssuanceKey = z.string().regex(/^[A-Za-z0-9:._-]{8,128}$/, '8–128 characters: letters, digits, : . _ -');
/** Bigger than the CSR limit (16 KiB), so an oversized CSR gets its own code (csr_too_large), not a generic 400. */
const ZCsrText = z.string().max(64 * 1024);

/** What the issuance needs; the subject comes from the employee and the asset, never from the CSR. */
const ZIssuanceOptions = z.object({
  flow: ZCertificateFlow,
  csrPem: ZCsrText.optional(),
  keyType: ZStationKeyType.optional(),
  issuanceKey: ZIssuanceKey.optional(),
});

export const ZIssueCertificateRequest = ZIssuanceOptions.extend({
  employeeId: id('emp'),
  assetId: id('ast').nullable().optional(),
  /** The VPN profile for a new account (default: by job profile). */
  profileCode: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/).optional(),
})
  .strict()
  .meta({ id: 'IssueCertificateRequest' });
export type TIssueCertificateRequest = z.infer<typeof ZIssueCertificateRequest>;

export const ZIssueForItemRequest = ZIssuanceOptions.strict().meta({ id: 'IssueCertificateForItemRequest' });
export const ZRenewCertificateRequest = ZIssuanceOptions.strict().meta({ id: 'RenewCertificateRequest' });

export const ZCertificate = z
  .object({
    id: z.string(),
    kind: z.enum(['station', 'server']),
    flow: ZCertificateFlow,
    state: ZCertificateState,
    progress: z.number().int().min(0).max(100),
    employee: z.object({ id: z.string(), displayName: z.string() }).nullable(),
    assetTag: z.string().nullable(),
    commonName: z.string(),
    serialHex: z.string().nullable(),
    keyType: z.string().nullable(),
    notBefore: z.iso.datetime().nullable(),
    notAfter: z.iso.datetime().nullable(),
    fingerprintSha256: z.string().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    revocationReason: ZRevocationReason.nullable(),
    /** available: the one download is still to come; downloaded: it happened; reusable: CSR flow (no secret inside). */
    bundle: z.enum(['none', 'available', 'downloaded', 'reusable']),
    installedAt: z.iso.datetime().nullable(),
    supersedesId: z.string().nullable(),
    supersedeDeadline: z.iso.datetime().nullable(),
    /** The worker's English detail of a failed issuance; `failureCode` is what a client translates. */
    failure: z.string().nullable(),
    failureCode: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Certificate' });
export type TCertificate = z.infer<typeof ZCertificate>;

export const ZIssueCertificateResponse = z
  .object({
    certificate: ZCertificate,
    /** Server-key flow, first answer only: the PKCS#12 password. Shown once; the server keeps it only sealed, briefly. */
    oneTimePassword: z.string().nullable(),
    /** true: the issuance key found an earlier request; nothing new was queued and no password is shown again. */
    replayed: z.boolean(),
  })
  .meta({ id: 'IssueCertificateResponse' });
export type TIssueCertificateResponse = z.infer<typeof ZIssueCertificateResponse>;

export const ZCertificateBundle = z
  .object({
    flow: ZCertificateFlow,
    /** Suggested base file name (the certificate's CN). */
    fileName: z.string(),
    /** The OpenVPN profile: server-key flow = CA + the PKCS#12 inline (asks for the password); CSR flow = CA + cert. */
    ovpn: z.string(),
    certificatePem: z.string(),
    /** Server-key flow only: the .p12 (for the Windows/macOS certificate store), base64. */
    pkcs12Base64: z.string().nullable(),
  })
  .meta({ id: 'CertificateBundle' });
export type TCertificateBundle = z.infer<typeof ZCertificateBundle>;

export const ZRevokeCertificateRequest = z
  .object({ reason: ZRevocationReason, comment: z.string().trim().max(500).nullable().optional() })
  .strict()
  .meta({ id: 'RevokeCertificateRequest' });

export const ZCertificateListQuery = ZPageQuery.extend({
  state: ZCertificateState.optional(),
  q: z.string().trim().max(100).optional(),
  employeeId: id('emp').optional(),
  /** "Expiring" means within this many days (default 30). */
  expiringDays: z.coerce.number().int().min(1).max(365).default(30),
});
export const ZCertificatePage = pageOf(ZCertificate).meta({ id: 'CertificatePage' });

export const CRL_HEALTH = ['ok', 'warning', 'critical', 'missing'] as const;
export const PASSPHRASE_PROBLEMS = ['pki_passphrase_missing', 'pki_passphrase_empty', 'pki_passphrase_unreadable', 'pki_passphrase_wrong'] as const;
export const ZPkiStatus = z
  .object({
    ready: z.boolean(),
    problem: z.object({ code: z.string(), message: z.string() }).nullable(),
    /** Why no CA can be created or imported now (the key would not be sealable, or the old one not openable). */
    passphraseProblem: z.object({ code: z.enum(PASSPHRASE_PROBLEMS), message: z.string() }).nullable(),
    ca: z
      .object({
        id: z.string(),
        name: z.string(),
        subject: z.string(),
        keyType: z.string(),
        notBefore: z.iso.datetime(),
        notAfter: z.iso.datetime(),
        daysLeft: z.number().int(),
        fingerprintSha256: z.string().nullable(),
        imported: z.boolean(),
      })
      .nullable(),
    crl: z
      .object({
        crlNumber: z.string(),
        thisUpdate: z.iso.datetime(),
        nextUpdate: z.iso.datetime(),
        publishedAt: z.iso.datetime(),
        revokedCount: z.number().int(),
        ageHours: z.number(),
        hoursLeft: z.number(),
      })
      .nullable(),
    crlHealth: z.enum(CRL_HEALTH),
    counts: z.record(ZCertificateState, z.number().int()),
    urls: z.object({ caPem: z.string(), crlPem: z.string(), crlDer: z.string() }),
  })
  .meta({ id: 'PkiStatus' });
export type TPkiStatus = z.infer<typeof ZPkiStatus>;

export const ZPublishCrlResponse = z.object({ queued: z.literal(true) }).meta({ id: 'PublishCrlQueued' });

// --- Certificate authority from the console (admin) ---------------------------------------------------------------
export const CA_KEY_TYPES = ['ec-p384', 'rsa-3072', 'rsa-4096'] as const;
export const ZCaKeyType = z.enum(CA_KEY_TYPES).meta({ id: 'CaKeyType' });
/**
 * Replacing the active CA is confirmed, never implied: the admin echoes the id of the CA they saw (null when there is
 * none). Anything else is refused (ca_replace_unconfirmed, ca_active_changed) and nothing is queued or stored.
 */
const ZReplaceCaId = id('ca').nullable().default(null);
const ZPemText = (maxKiB: number) => z.string().max(maxKiB * 1024, `at most ${maxKiB} KiB`);

export const ZCreateCaRequest = z
  .object({
    name: z.string().trim().min(3, 'at least 3 characters').max(64, 'at most 64 characters'),
    keyType: ZCaKeyType,
    validityDays: z.number().int().min(365, 'at least 365 days').max(9125, 'at most 9125 days (25 years)'),
    replaceCaId: ZReplaceCaId,
  })
  .strict()
  .meta({ id: 'CreateCaRequest' });
export type TCreateCaRequest = z.input<typeof ZCreateCaRequest>;

export const ZImportCaRequest = z
  .object({
    name: z.string().trim().min(3, 'at least 3 characters').max(64, 'at most 64 characters').optional(),
    certificatePem: ZPemText(64).min(1, 'required'),
    privateKeyPem: ZPemText(64).min(1, 'required'),
    /** Only for an encrypted key PEM; used once to read it, never stored. */
    keyPassphrase: z.string().max(1024).optional(),
    chainPem: ZPemText(256).optional(),
    replaceCaId: ZReplaceCaId,
  })
  .strict()
  .meta({ id: 'ImportCaRequest' });
export type TImportCaRequest = z.input<typeof ZImportCaRequest>;

export const ZCaJob = z
  .object({
    jobId: z.string(),
    queuedAt: z.iso.datetime(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    progress: z.number().int().min(0).max(100),
    /** Why the job failed (no key material, no passphrase in it). */
    error: z.string().nullable(),
    caId: z.string().nullable(),
  })
  .meta({ id: 'CaJob' });
export type TCaJob = z.infer<typeof ZCaJob>;

export const ZImportedCa = z
  .object({ caId: z.string(), name: z.string(), subject: z.string(), keyType: z.string(), fingerprintSha256: z.string(), notAfter: z.iso.datetime() })
  .meta({ id: 'ImportedCa' });
export type TImportedCa = z.infer<typeof ZImportedCa>;
