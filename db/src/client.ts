import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';

export type TSchema = typeof schema;
/** Either driver's database, or a transaction inside it: commands and queries take this. */
export type Db = PgDatabase<PgQueryResultHKT, TSchema, ExtractTablesWithRelations<TSchema>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs plain SQL (used by health checks and tests). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations');

export type TDatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

/** Opens PostgreSQL (url) or embedded PGlite (dataDir, or in memory for tests). */
export async function openDatabase(target: TDatabaseTarget): Promise<Database> {
  if ('url' in target) return openPostgres(target.url);
  return openPglite('dataDir' in target ? target.dataDir : null);
}

async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Fail at start with the driver's reason instead of on the first request.
  await pool.query('select 1');
  const db = drizzle(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
    const db = drizzle(client, { schema }) as unknown as Db;
    embeddedClients.set(db, client);
    return {
      db,
      kind: 'pglite',
      ping: async () => void (await client.query('select 1')),
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already open in another Varco process (pid ${pid}). ` +
        'PGlite allows one process per data directory: stop that process, or use PostgreSQL with DATABASE_URL.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** PGlite corrupts a data directory opened by two processes (pglite #1106): hold a pid lock file beside it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, '..', `${dataDir.split('/').filter(Boolean).pop()}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Raw SQL rows. Both drivers answer `{ rows }`; the generic database type cannot know that. */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The PGlite instance behind each Db that openPglite made (a transaction's Db is not in here). */
const embeddedClients = new WeakMap<Db, { query(sql: string): Promise<{ blob?: Blob }> }>();

/**
 * The rows of a parameterless query as text fields (null for SQL NULL; booleans 't'/'f') through
 * `COPY (query) TO '/dev/blob'`, on PGlite only; null on PostgreSQL or inside a transaction. PGlite decodes a result
 * message per row in JavaScript; COPY hands over one blob instead: 97,000 employees in about 0.5 s where rows take
 * about 0.75 s (ops/bench/sync.ts, PGlite resync). PostgreSQL's driver does not need it.
 */
export async function copyRowsIfEmbedded(db: Db, query: string): Promise<Array<Array<string | null>> | null> {
  const client = embeddedClients.get(db);
  if (!client) return null;
  const { blob } = await client.query(`copy (${query}) to '/dev/blob'`);
  return blob ? parseCopyText(await blob.text()) : []; // no rows, no blob
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** PostgreSQL's COPY text format as COPY TO writes it: rows end in \n, fields split by \t, \N is NULL, \\ escapes. */
export function parseCopyText(text: string): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const fields: Array<string | null> = text.slice(start, end).split('\t');
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field === '\\N') fields[i] = null;
      else if (field.includes('\\')) fields[i] = field.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c);
    }
    rows.push(fields);
    start = end + 1;
  }
  return rows;
}
