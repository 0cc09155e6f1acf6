/**
 * The pure half of "issue certificates for many": merging the per-chunk answers of the form action and
 * following the certificates the worker signs until every one is issued or failed.
 */

/** One VPN item's outcome, as the queue's `bulkCertificates` action answers it. */
export interface BulkCertificateEntry {
  requestId: string;
  number: string;
  employeeName: string | null;
  itemId: string | null;
  ok: boolean;
  certificateId: string | null;
  /** Shown once, from this answer only; null for an item that already had its certificate. */
  oneTimePassword: string | null;
  replayed: boolean;
  /** Why it was refused, in the reader's language; null when it was queued. */
  message: string | null;
  /** The server's own words, for a code the console does not know. */
  apiMessage: string | null;
}

export interface BulkCertificatesData {
  kind: 'certificates';
  done: number;
  failed: number;
  entries: BulkCertificateEntry[];
}

export function isBulkCertificatesData(data: unknown): data is BulkCertificatesData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'certificates';
}

export function mergeCertificateResults(first: BulkCertificatesData, second: BulkCertificatesData): BulkCertificatesData {
  return { kind: 'certificates', done: first.done + second.done, failed: first.failed + second.failed, entries: [...first.entries, ...second.entries] };
}

/** What the progress endpoint tells about one certificate (the worker's progress, its final state). */
export interface CertificateProgress {
  id: string;
  state: 'pending' | 'active' | 'expiring' | 'expired' | 'revoked' | 'failed';
  progress: number;
  failure: string | null;
  failureCode: string | null;
  bundle: string;
}

export interface IssuanceTally {
  /** Certificates queued by this run (or found already there). */
  total: number;
  /** Issued or failed: the worker is done with them. */
  settled: number;
  issued: number;
  failed: number;
}

/** Counts the run's certificates by what the worker did; one not yet seen by the endpoint counts as pending. */
export function tallyIssuance(entries: readonly BulkCertificateEntry[], states: ReadonlyMap<string, CertificateProgress>): IssuanceTally {
  const ids = [...new Set(entries.map((entry) => entry.certificateId).filter((id): id is string => id !== null))];
  let issued = 0;
  let failed = 0;
  for (const id of ids) {
    const state = states.get(id)?.state ?? 'pending';
    if (state === 'failed') failed += 1;
    else if (state !== 'pending') issued += 1;
  }
  return { total: ids.length, settled: issued + failed, issued, failed };
}

/** The ids still worth asking about: queued by this run and not settled yet. */
export function pendingCertificateIds(entries: readonly BulkCertificateEntry[], states: ReadonlyMap<string, CertificateProgress>): string[] {
  const ids = entries.map((entry) => entry.certificateId).filter((id): id is string => id !== null);
  return [...new Set(ids)].filter((id) => (states.get(id)?.state ?? 'pending') === 'pending');
}
