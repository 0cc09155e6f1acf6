import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, parseCopyText } from './client.js';

describe('PGlite data directory lock', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => children.forEach((child) => child.kill('SIGKILL')));

  it('refuses a directory held by another live process, with a sentence that says what to do', () => {
    const root = mkdtempSync(join(tmpdir(), 'varco-lock-'));
    const other = spawn('sleep', ['30']);
    children.push(other);
    writeFileSync(join(root, 'pglite.lock'), String(other.pid));
    expect(() => lockDataDir(join(root, 'pglite'))).toThrow(DataDirLockedError);
    expect(() => lockDataDir(join(root, 'pglite'))).toThrow(/another Varco process \(pid \d+\).*DATABASE_URL/);
  });

  it('takes over a stale lock whose process is gone, and releases it', () => {
    const root = mkdtempSync(join(tmpdir(), 'varco-lock-'));
    writeFileSync(join(root, 'pglite.lock'), '999999999');
    const release = lockDataDir(join(root, 'pglite'));
    expect(readFileSync(join(root, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(join(root, 'pglite.lock'))).toBe(false);
  });
});

describe('parseCopyText (PostgreSQL COPY text format)', () => {
  it('splits rows and fields, reads \\N as NULL and an empty field as an empty string', () => {
    expect(parseCopyText('a\tb\t\\N\n\t\tc\n')).toEqual([
      ['a', 'b', null],
      ['', '', 'c'],
    ]);
    expect(parseCopyText('')).toEqual([]);
    expect(parseCopyText('last\trow without newline')).toEqual([['last', 'row without newline']]);
  });

  it('undoes the escapes COPY TO writes: backslash, tab, newline, carriage return and the other controls', () => {
    // What COPY writes for: "C:\dir", "tab<TAB>in", "two<LF>lines<CR>", "\N" typed as text, "<BS><FF><VT>".
    const line = ['C:\\\\dir', 'tab\\tin', 'two\\nlines\\r', '\\\\N', '\\b\\f\\v'].join('\t');
    expect(parseCopyText(`${line}\n`)).toEqual([['C:\\dir', 'tab\tin', 'two\nlines\r', '\\N', '\b\f\v']]);
  });
});
