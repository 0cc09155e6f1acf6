/**
 * "Test connection" for the console: the same code path as a sync (connect, StartTLS/ldaps, service bind, paged
 * search of the base DN with the filter), stopped after the first page. Proves more than a bind: an identity that
 * may bind but sees nobody (ACL-limited) is reported as 'empty_result', the failure a real run would have.
 */
import type { TResolvedDirectorySyncConfig } from './config.js';
import { DirectoryReadError, readDirectory, type TDirectoryReadErrorCode, type TReadSummary } from './read-directory.js';

export type TConnectionCheck =
  | { ok: true; sampleEntries: number }
  | { ok: false; code: TDirectoryReadErrorCode | 'empty_result'; message: string };

const SAMPLE_PAGE_SIZE = 50;

export async function checkDirectoryConnection(config: TResolvedDirectorySyncConfig): Promise<TConnectionCheck> {
  let firstPage = -1;
  const reader = readDirectory(
    { ...config, pageSize: SAMPLE_PAGE_SIZE },
    { onProgress: (progress) => (firstPage = progress.pages === 1 ? progress.entriesRead : firstPage) },
  );
  let count = 0;
  try {
    for (;;) {
      if (firstPage >= 0 && count >= firstPage && count > 0) {
        await reader.return(undefined as unknown as TReadSummary); // closes the connection (the reader's finally)
        return { ok: true, sampleEntries: count };
      }
      const next = await reader.next();
      if (next.done) break;
      count += 1;
    }
  } catch (err) {
    if (err instanceof DirectoryReadError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
  if (count === 0) return { ok: false, code: 'empty_result', message: 'the service account sees no entries under the base DN with this filter' };
  return { ok: true, sampleEntries: count };
}
