import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR, selectRows, type Database } from './client.js';
import { writeAudit, SYSTEM_ACTOR } from './commands/audit.js';
import { migrateDatabase } from './migrate.js';
import { openTestDatabase, testDatabaseKinds } from './testing.js';

describe.each(testDatabaseKinds())('migrations on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('creates every table of the schema on an empty database', async () => {
    const rows = await selectRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const tables = rows.map((row) => row.table_name);
    expect(tables).toEqual(
      expect.arrayContaining(['services', 'employees', 'job_profiles', 'activities', 'remote_work_agreements', 'users', 'sessions', 'audit_log', 'job_runs', 'outbox', 'assets', 'kit_requests', 'kit_request_items', 'kit_request_events', 'certificate_authorities', 'certificates', 'crl_state', 'vpn_profiles', 'vpn_servers', 'vpn_accounts', 'directory_sync_runs', 'deprovisioning_cases']),
    );
  });

  it('is idempotent: applying again changes nothing', async () => {
    await migrateDatabase(database);
    const rows = await selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(rows[0]?.n).toBe(journal.entries.length);
  });

  it('keeps the audit log append-only', async () => {
    await writeAudit(database.db, SYSTEM_ACTOR, { action: 'test.append', targetType: 'test', targetId: null });
    // drizzle wraps the driver error; the database's own message is in `cause`.
    const causeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (err: Error) => String((err.cause as Error)?.message));
    expect(await causeOf(database.db.execute(sql`update audit_log set action = 'x'`))).toMatch(/append-only/);
    expect(await causeOf(database.db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
    const rows = await selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action = 'test.append'`);
    expect(rows[0]?.n).toBe(1);
  });
});
