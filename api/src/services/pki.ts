import { certificateStateOf, PkiCommandError, revocationReasonName, VpnError, WorkflowError, type TCertificate, type TCertificateSummary } from '@varco/db';
import { inspectCsr } from '@varco/workers/pki';
import { checkPkiReadiness, PKI_DEFAULTS, type TPkiSettings } from '@varco/workers/pki-runtime';
import type { TCertificate as TCertificateView } from '../contract/pki.js';
import type { TAppDeps } from '../deps.js';
import { ApiError, type TErrorCode } from '../errors.js';

/** The PKI's settings for this process, with the defaults when the PKI was not configured at all. */
export function pkiSettingsOf(deps: TAppDeps): TPkiSettings {
  return deps.config.pki ?? { passphrase: null, passphraseProblem: null, dataDir: '', ...PKI_DEFAULTS };
}

/** The active CA and the passphrase that opens it, or 503 pki_unavailable saying why (nothing is written then). */
export async function readyPki(deps: TAppDeps): Promise<{ caId: string; passphrase: string }> {
  const readiness = await checkPkiReadiness(deps.db, deps.config.pki ?? null);
  if (!readiness.ready) throw new ApiError('pki_unavailable', readiness.message);
  return { caId: readiness.ca.id, passphrase: deps.config.pki!.passphrase! };
}

/**
 * Profile rules on top of `inspectCsr`: the CSR proves possession of a key and nothing else. A CSR that asks for
 * CA rights, key usages or extra names is refused with its own code rather than silently ignored, so a station
 * that expected them learns at once.
 */
const REFUSED_EXTENSIONS: Readonly<Record<string, [TErrorCode, string]>> = {
  basicConstraints: ['csr_requests_ca', 'the CSR asks for basicConstraints (CA rights): station certificates are never CAs'],
  extKeyUsage: ['csr_requests_usage', 'the CSR asks for extended key usages: the station profile decides them (clientAuth only)'],
  keyUsage: ['csr_requests_usage', 'the CSR asks for key usages: the station profile decides them'],
  subjectAltName: ['csr_requests_names', 'the CSR asks for subject alternative names: names come from the employee and the asset, never from the CSR'],
};

export function checkCsr(csrPem: string | undefined): { csrPem: string; keyType: string } {
  const result = inspectCsr(csrPem ?? '');
  if (!result.ok) throw new ApiError(result.code, result.message);
  for (const name of result.requestedExtensions) {
    const refusal = REFUSED_EXTENSIONS[name];
    if (refusal) throw new ApiError(refusal[0], refusal[1]);
  }
  return { csrPem: csrPem!, keyType: result.keyType };
}

const isUniqueViolation = (err: unknown) => /23505|duplicate key|unique constraint/i.test(`${(err as Error)?.message} ${String((err as { cause?: unknown })?.cause)}`);

/**
 * Command refusals as API errors, with the command's own sentence and its own code (the console translates the code).
 * A refusal of the kit request workflow keeps the generic code: its `reason` is what the console translates.
 */
export function toPkiApiError(err: unknown): unknown {
  if (err instanceof PkiCommandError) {
    const generic: Partial<Record<PkiCommandError['code'], TErrorCode>> = { employee_inactive: 'unprocessable', asset_unusable: 'unprocessable' };
    const code: TErrorCode = err.refusal ? (generic[err.code] ?? (err.code === 'not_found' ? 'not_found' : 'conflict')) : err.code;
    return new ApiError(code, err.message, undefined, err.refusal);
  }
  if (err instanceof VpnError) return new ApiError(err.code === 'not_found' ? 'not_found' : err.code === 'conflict' ? 'conflict' : 'unprocessable', err.message);
  if (err instanceof WorkflowError) return new ApiError(err.code === 'not_found' ? 'not_found' : 'conflict', err.message, undefined, err.refusal);
  if (isUniqueViolation(err)) return new ApiError('conflict', 'This station already has a certificate in progress, or the request was made twice at once: reload and try again');
  return err;
}

type TViewable = (TCertificate | TCertificateSummary) & { hasBundle?: boolean };
const iso = (date: Date | null) => date?.toISOString() ?? null;

export function certificateView(
  row: { certificate: TViewable; employee: { id: string; firstName: string; lastName: string } | null; assetTag: string | null },
  params: { now: Date; expiringDays: number },
): TCertificateView {
  const c = row.certificate;
  const hasBundle = 'bundleP12' in c ? c.bundleP12 !== null : c.hasBundle === true;
  const bundle = c.flow === 'csr' ? (c.status === 'issued' ? 'reusable' : 'none') : c.bundleDownloadedAt ? 'downloaded' : hasBundle ? 'available' : 'none';
  return {
    id: c.id,
    kind: c.kind,
    flow: c.flow,
    state: certificateStateOf(c, params),
    progress: c.status === 'issued' ? 100 : c.progress,
    employee: row.employee ? { id: row.employee.id, displayName: `${row.employee.firstName} ${row.employee.lastName}` } : null,
    assetTag: row.assetTag,
    commonName: c.commonName,
    serialHex: c.serialHex,
    keyType: c.keyType,
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    fingerprintSha256: c.fingerprintSha256,
    revokedAt: iso(c.revokedAt),
    revocationReason: revocationReasonName(c.revocationReason),
    bundle,
    installedAt: iso(c.installedAt),
    supersedesId: c.supersedesId,
    supersedeDeadline: iso(c.supersedeDeadline),
    failure: c.failure,
    failureCode: c.failureCode,
    createdAt: c.createdAt.toISOString(),
  };
}
