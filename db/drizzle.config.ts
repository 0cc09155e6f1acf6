import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema (`npm run db:generate`), reviewed and committed; never `push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
});
