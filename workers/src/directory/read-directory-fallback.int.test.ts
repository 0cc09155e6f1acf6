/**
 * readDirectory when the installed ldapts does not expose what paged-search.ts needs: `pagedSearch` answers null and
 * the reader falls back to ldapts's own `searchPaginated`. Simulated here by mocking `pagedSearch` (the only mock:
 * an ldapts without those internals cannot be installed beside the real one); slapd is real. The fallback must give
 * exactly the records of the fast path and fail the same ways.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateDirectory } from '../../../ops/src/testing/directory-fixture.js';
import { setServiceLimits } from '../../../ops/src/testing/directory-sync-fixture.js';
import { startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import { parseDirectorySyncConfig } from './config.js';
import { DirectoryReadError, readDirectory, type TDirectoryRecord, type TReadDirectoryOptions, type TReadSummary } from './read-directory.js';

const fast = { enabled: true };
vi.mock('./paged-search.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./paged-search.js')>();
  return { ...actual, pagedSearch: (...args: Parameters<typeof actual.pagedSearch>) => (fast.enabled ? actual.pagedSearch(...args) : null) };
});

describe('readDirectory through the searchPaginated fallback (600 people, size limit 500)', () => {
  const { people, groups } = generateDirectory(600, { seed: 21 });
  let slapd: TSlapd;
  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap', sizeLimit: 500 });
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
  });
  afterAll(() => slapd?.stop());

  const config = () =>
    parseDirectorySyncConfig({
      url: slapd.url, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.peopleDn, profile: 'openldap', pageSize: 100, timeoutMs: 5000,
    });
  async function read(path: 'fast' | 'fallback', options: TReadDirectoryOptions = {}) {
    fast.enabled = path === 'fast';
    const records: TDirectoryRecord[] = [];
    try {
      const reader = readDirectory(config(), options);
      for (;;) {
        const next = await reader.next();
        if (next.done) return { records, summary: next.value as TReadSummary, error: null };
        records.push(next.value);
      }
    } catch (error) {
      return { records, summary: null, error: error as DirectoryReadError };
    }
  }

  it('reads the same records, in the same order, with the same page count as the fast path', async () => {
    const viaFallback = await read('fallback');
    const viaFast = await read('fast');
    expect(viaFallback.records).toHaveLength(600);
    expect(viaFallback.records).toEqual(viaFast.records);
    expect(viaFallback.summary).toMatchObject({ entriesRead: 600, pages: 6, rejected: 0 });
    expect(viaFast.summary).toMatchObject({ entriesRead: 600, pages: 6, rejected: 0 });
  });

  it('a paged read cut by the server total limit throws size_limit after the records it got', async () => {
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=300 time=unlimited');
    try {
      const { error, records } = await read('fallback');
      expect(error).toBeInstanceOf(DirectoryReadError);
      expect(error!.code).toBe('size_limit');
      expect(records).toHaveLength(300);
    } finally {
      await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
    }
  });

  it('slapd killed after the first page: connection_lost', async () => {
    const { error, records } = await read('fallback', {
      onProgress: (p) => {
        if (p.pages === 1) process.kill(slapd.pid, 'SIGKILL');
      },
    });
    expect(error).toBeInstanceOf(DirectoryReadError);
    expect(error!.code).toBe('connection_lost');
    expect([100, 200]).toContain(records.length); // page 2 is asked for as soon as page 1 is in
  });
});
