import { describe, expect, it } from 'vitest';
import {
  isBulkCertificatesData,
  mergeCertificateResults,
  pendingCertificateIds,
  tallyIssuance,
  type BulkCertificateEntry,
  type CertificateProgress,
} from './bulk-certificates';

const entry = (certificateId: string | null, ok = certificateId !== null): BulkCertificateEntry => ({
  requestId: `req_${certificateId ?? 'none'}`,
  number: 'R-2026-000001',
  employeeName: 'Mario Rossi',
  itemId: certificateId ? `itm_${certificateId}` : null,
  ok,
  certificateId,
  oneTimePassword: ok ? 'secret' : null,
  replayed: false,
  message: ok ? null : 'refused',
  apiMessage: null,
});
const progress = (id: string, state: CertificateProgress['state']): [string, CertificateProgress] => [id, { id, state, progress: 100, failure: null, failureCode: null, bundle: 'available' }];

describe('bulk certificates', () => {
  it('merges per-chunk answers, keeping the order', () => {
    const first = { kind: 'certificates' as const, done: 1, failed: 1, entries: [entry('a'), entry(null)] };
    const second = { kind: 'certificates' as const, done: 1, failed: 0, entries: [entry('b')] };
    expect(mergeCertificateResults(first, second)).toEqual({ kind: 'certificates', done: 2, failed: 1, entries: [entry('a'), entry(null), entry('b')] });
    expect(isBulkCertificatesData(first)).toBe(true);
    expect(isBulkCertificatesData({ kind: 'bulk' })).toBe(false);
  });

  it('counts a certificate as settled only once the worker issued or failed it', () => {
    const entries = [entry('a'), entry('b'), entry('c'), entry(null), entry('a')];
    const states = new Map([progress('a', 'active'), progress('b', 'failed'), progress('c', 'pending')]);
    expect(tallyIssuance(entries, states)).toEqual({ total: 3, settled: 2, issued: 1, failed: 1 });
    expect(pendingCertificateIds(entries, states)).toEqual(['c']);
    // Not yet seen by the progress endpoint: still pending.
    expect(tallyIssuance(entries, new Map())).toEqual({ total: 3, settled: 0, issued: 0, failed: 0 });
    expect(pendingCertificateIds(entries, new Map())).toEqual(['a', 'b', 'c']);
  });
});
