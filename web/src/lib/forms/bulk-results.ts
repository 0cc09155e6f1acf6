/** The pure half of bulk submission: chunking the selection and merging the per-chunk answers. */

/** Requests per round trip: small enough for the progress bar to move, big enough not to crawl. */
export const BULK_CHUNK_SIZE = 10;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

export interface BulkData {
  kind: 'bulk';
  action: string;
  done: number;
  failed: number;
  failures: unknown[];
}

export function isBulkData(data: unknown): data is BulkData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'bulk';
}

export function mergeResults(first: BulkData, second: BulkData): BulkData {
  return {
    ...first,
    done: first.done + second.done,
    failed: first.failed + second.failed,
    failures: [...first.failures, ...second.failures],
  };
}
