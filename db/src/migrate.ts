import type { Database } from './client.js';
import { MIGRATIONS_DIR } from './client.js';

/** Applies the committed drizzle migrations; safe to run at every start (applied ones are skipped). */
export async function migrateDatabase(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (database.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, config);
  } else {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(database.db as never, config);
  }
}
