import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Run through `npm test` (ops/src/test-runner.ts): it starts the shared redis/postgres and sets
// TEST_REDIS_URL, TEST_DATABASE_URL and VARCO_TEST_TMP for the integration and browser projects.
const ignored = ['**/node_modules/**', 'web/build/**', 'web/.svelte-kit/**'];
const SERVERS_TEST = 'ops/src/testing/servers.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        // SvelteKit's vite plugin is not loaded here; map its $lib alias so web unit tests can import through it.
        resolve: { alias: { $lib: fileURLToPath(new URL('./web/src/lib', import.meta.url)) } },
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts'],
          exclude: [...ignored, '**/*.int.test.ts', 'web/tests/**', SERVERS_TEST],
          // Projects with different maxWorkers must not share a group: vitest runs groups one after another.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts', SERVERS_TEST],
          exclude: ignored,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2, // 2-core machine; each file may also start servers of its own
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['web/tests/**/*.browser.test.ts'],
          exclude: ignored,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false, // one Chromium at a time
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
