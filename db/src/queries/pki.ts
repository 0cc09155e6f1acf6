import { and, asc, count, desc, eq, getTableColumns, gt, ilike, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { assets, certificateAuthorities, certificates, crlState, employees } from '../schema/index.js';

export type TCertificateAuthority = typeof certificateAuthorities.$inferSelect;
export type TCertificate = typeof certificates.$inferSelect;
export type TCrlState = typeof crlState.$inferSelect;

/** How the console groups certificates: what a hot-line operator asks ("is it still good?"), not the raw status. */
export const CERTIFICATE_STATES = ['pending', 'active', 'expiring', 'expired', 'revoked', 'failed'] as const;
export type TCertificateState = (typeof CERTIFICATE_STATES)[number];

export function certificateStateOf(row: Pick<TCertificate, 'status' | 'notAfter'>, params: { now: Date; expiringDays: number }): TCertificateState {
  if (row.status !== 'issued') return row.status === 'revoked' ? 'revoked' : row.status;
  const notAfter = row.notAfter?.getTime() ?? 0;
  if (notAfter <= params.now.getTime()) return 'expired';
  return notAfter - params.now.getTime() <= params.expiringDays * 86_400_000 ? 'expiring' : 'active';
}

export async function getActiveCertificateAuthority(db: Db): Promise<TCertificateAuthority | null> {
  const [row] = await db.select().from(certificateAuthorities).where(eq(certificateAuthorities.active, true)).limit(1);
  return row ?? null;
}

export async function getCrlState(db: Db, params: { caId: string }): Promise<TCrlState | null> {
  const [row] = await db.select().from(crlState).where(eq(crlState.caId, params.caId));
  return row ?? null;
}

const certificateColumns = {
  certificate: certificates,
  employee: { id: employees.id, firstName: employees.firstName, lastName: employees.lastName },
  assetTag: assets.assetTag,
};

// Lists leave out the bulky and secret-bearing columns (bundle, sealed password, PEMs).
const LEFT_OUT = ['bundleP12', 'bundleOvpn', 'bundleOtpSealed', 'csrPem', 'certificatePem'] as const;
type TAllColumns = ReturnType<typeof getTableColumns<typeof certificates>>;
const summaryColumns = Object.fromEntries(
  Object.entries(getTableColumns(certificates)).filter(([name]) => !(LEFT_OUT as readonly string[]).includes(name)),
) as Omit<TAllColumns, (typeof LEFT_OUT)[number]>;
const certificateSummaryColumns = {
  certificate: { ...summaryColumns, hasBundle: sql<boolean>`${certificates.bundleP12} is not null` },
  employee: certificateColumns.employee,
  assetTag: assets.assetTag,
};
export type TCertificateSummary = Omit<TCertificate, 'bundleP12' | 'bundleOvpn' | 'bundleOtpSealed' | 'csrPem' | 'certificatePem'> & { hasBundle: boolean };

// What an issuance job reads first: no bundle nor certificate PEM (an issued row's are kilobytes, and most CSR jobs
// find their row issued by a batch and stop after this read).
const ISSUANCE_LEFT_OUT = ['bundleP12', 'bundleOvpn', 'certificatePem'] as const;
const issuanceColumns = Object.fromEntries(
  Object.entries(getTableColumns(certificates)).filter(([name]) => !(ISSUANCE_LEFT_OUT as readonly string[]).includes(name)),
) as Omit<TAllColumns, (typeof ISSUANCE_LEFT_OUT)[number]>;
export type TCertificateForIssuance = Omit<TCertificate, (typeof ISSUANCE_LEFT_OUT)[number]>;

/** The row an issuance job works from, with the station's asset tag, or null. One query. */
export async function getCertificateForIssuance(db: Db, params: { id: string }): Promise<{ certificate: TCertificateForIssuance; assetTag: string | null } | null> {
  const [row] = await db
    .select({ certificate: issuanceColumns, assetTag: assets.assetTag })
    .from(certificates)
    .leftJoin(assets, eq(assets.id, certificates.assetId))
    .where(eq(certificates.id, params.id));
  return row ?? null;
}

/** One certificate with its holder and station, or null. */
export async function getCertificateDetail(db: Db, params: { id: string }) {
  const [row] = await db
    .select(certificateColumns)
    .from(certificates)
    .leftJoin(employees, eq(employees.id, certificates.employeeId))
    .leftJoin(assets, eq(assets.id, certificates.assetId))
    .where(eq(certificates.id, params.id));
  return row ?? null;
}

function stateWhere(state: TCertificateState | undefined, now: Date, expiringDays: number): SQL | undefined {
  const soon = new Date(now.getTime() + expiringDays * 86_400_000);
  switch (state) {
    case undefined:
      return undefined;
    case 'active':
      return and(eq(certificates.status, 'issued'), gt(certificates.notAfter, now));
    case 'expiring':
      return and(eq(certificates.status, 'issued'), gt(certificates.notAfter, now), lte(certificates.notAfter, soon));
    case 'expired':
      return and(eq(certificates.status, 'issued'), lte(certificates.notAfter, now));
    default:
      return eq(certificates.status, state);
  }
}

/** Certificates by state, holder or free text (serial, CN, asset tag, employee name); newest first. */
export async function listCertificates(
  db: Db,
  params: { state?: TCertificateState | undefined; q?: string | undefined; employeeId?: string | undefined; expiringDays: number; now: Date; page: number; pageSize: number },
) {
  const text = params.q?.trim().toLowerCase();
  const serial = text?.replace(/:/g, '');
  const like = text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = and(
    eq(certificates.kind, 'station'),
    stateWhere(params.state, params.now, params.expiringDays),
    params.employeeId ? eq(certificates.employeeId, params.employeeId) : undefined,
    like
      ? or(
          ilike(certificates.commonName, like),
          ilike(assets.assetTag, like),
          ilike(employees.searchText, like),
          serial && /^[0-9a-f]{4,42}$/.test(serial) ? sql`${certificates.serialHex} like ${`${serial}%`}` : undefined,
        )
      : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select(certificateSummaryColumns)
      .from(certificates)
      .leftJoin(employees, eq(employees.id, certificates.employeeId))
      .leftJoin(assets, eq(assets.id, certificates.assetId))
      .where(where)
      .orderBy(params.state === 'expiring' ? asc(certificates.notAfter) : desc(certificates.createdAt), desc(certificates.id))
      .limit(params.pageSize)
      .offset((params.page - 1) * params.pageSize),
    db
      .select({ total: count() })
      .from(certificates)
      .leftJoin(employees, eq(employees.id, certificates.employeeId))
      .leftJoin(assets, eq(assets.id, certificates.assetId))
      .where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

/** Counts per state for the dashboard cards. */
export async function countCertificatesByState(db: Db, params: { now: Date; expiringDays: number }): Promise<Record<TCertificateState, number>> {
  const soon = new Date(params.now.getTime() + params.expiringDays * 86_400_000);
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${certificates.status} = 'pending')`.mapWith(Number),
      active: sql<number>`count(*) filter (where ${certificates.status} = 'issued' and ${certificates.notAfter} > ${soon})`.mapWith(Number),
      expiring: sql<number>`count(*) filter (where ${certificates.status} = 'issued' and ${certificates.notAfter} > ${params.now} and ${certificates.notAfter} <= ${soon})`.mapWith(Number),
      expired: sql<number>`count(*) filter (where ${certificates.status} = 'issued' and ${certificates.notAfter} <= ${params.now})`.mapWith(Number),
      revoked: sql<number>`count(*) filter (where ${certificates.status} = 'revoked')`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${certificates.status} = 'failed')`.mapWith(Number),
    })
    .from(certificates)
    .where(eq(certificates.kind, 'station'));
  return row!;
}

/** Every revoked certificate of a CA, for the CRL. */
export async function listRevokedCertificates(db: Db, params: { caId: string }) {
  return db
    .select({ serialHex: certificates.serialHex, revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
    .from(certificates)
    .where(and(eq(certificates.caId, params.caId), eq(certificates.status, 'revoked'), isNotNull(certificates.serialHex), isNotNull(certificates.revokedAt)));
}

/** Live (pending or issued, not expired) certificates of these stations' CNs, for the CCD export. */
export async function listLiveCertificatesOfEmployees(db: Db, params: { employeeIds: string[]; now: Date }) {
  if (params.employeeIds.length === 0) return [];
  return db
    .select({ employeeId: certificates.employeeId, commonName: certificates.commonName, status: certificates.status })
    .from(certificates)
    .where(
      and(
        eq(certificates.kind, 'station'),
        inArray(certificates.employeeId, params.employeeIds),
        or(eq(certificates.status, 'pending'), and(eq(certificates.status, 'issued'), gt(certificates.notAfter, params.now))),
      ),
    );
}

/** Renewals whose grace period ended while the certificate they replace is still valid. */
export async function listOverdueSupersedes(db: Db, params: { now: Date }) {
  return db
    .select({ id: certificates.id, supersedesId: certificates.supersedesId })
    .from(certificates)
    .where(and(eq(certificates.status, 'issued'), isNotNull(certificates.supersedesId), lte(certificates.supersedeDeadline, params.now), isNull(certificates.installedAt)));
}
