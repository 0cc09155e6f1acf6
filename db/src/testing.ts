import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from './client.js';
import { migrateDatabase } from './migrate.js';

export type TTestDbKind = 'pglite' | 'postgres';

/**
 * Database-backed tests run on every target: embedded PGlite always, and the real PostgreSQL that
 * `npm test` starts (TEST_DATABASE_URL). Use with `describe.each(testDatabaseKinds())`.
 */
export function testDatabaseKinds(): TTestDbKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, migrated database; `close()` drops it (PostgreSQL) or discards it (in-memory PGlite). */
export async function openTestDatabase(kind: TTestDbKind): Promise<Database> {
  if (kind === 'pglite') {
    const database = await openDatabase({ memory: true });
    await migrateDatabase(database);
    return database;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set (run the suite with `npm test`)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await migrateDatabase(database);
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      // pool.end() resolves before its sockets are closed: a forced drop now would terminate a connection that
      // is still closing, which pg reports as an unhandled 'error' (57P01). Wait (up to ~2 s) for them to go.
      for (let attempt = 0; attempt < 100; attempt++) {
        const { rows } = await dropper.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
