import { describe, expect, it } from 'vitest';
import { chunk, isBulkData, mergeResults } from './bulk-results';

describe('bulk results', () => {
  it('chunks a selection, keeping the order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 10)).toEqual([]);
  });

  it('merges per-chunk answers into one summary', () => {
    const first = { kind: 'bulk' as const, action: 'approve', done: 9, failed: 1, failures: [{ requestId: 'a' }] };
    const second = { kind: 'bulk' as const, action: 'approve', done: 2, failed: 1, failures: [{ requestId: 'b' }] };
    expect(mergeResults(first, second)).toEqual({
      kind: 'bulk',
      action: 'approve',
      done: 11,
      failed: 2,
      failures: [{ requestId: 'a' }, { requestId: 'b' }],
    });
  });

  it('recognises a bulk answer', () => {
    expect(isBulkData({ kind: 'bulk', done: 1 })).toBe(true);
    expect(isBulkData({ kind: 'done' })).toBe(false);
    expect(isBulkData(null)).toBe(false);
  });
});
