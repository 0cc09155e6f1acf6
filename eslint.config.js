// Flat config. Not type-aware on purpose: `npm run lint` must stay fast; `npm run typecheck` does the types.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SVELTE_FILES = ['web/**/*.svelte', 'web/**/*.svelte.ts', 'web/**/*.svelte.js'];

/** eslint-plugin-svelte's presets match every *.svelte anywhere; Svelte only lives in web/. */
const svelteInWeb = svelte.configs.recommended.map((config) => {
  if (config.files) return { ...config, files: config.files.filter((f) => f.startsWith('**/')).map((f) => `web/${f}`) };
  return config.rules ? { ...config, files: SVELTE_FILES } : config; // rules-only entries would apply to all files
});

const focusedOrSkipped = ['it', 'describe', 'test'].flatMap((object) =>
  ['only', 'skip'].map((property) => ({
    object,
    property,
    message: `${object}.${property} must not be committed: it silently narrows the suite.`,
  })),
);

export default defineConfig(
  globalIgnores(['**/node_modules/', 'web/build/', 'web/.svelte-kit/', '.data/', 'db/migrations/', 'test-artifacts/', '.tmp/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  svelteInWeb,
  {
    files: SVELTE_FILES,
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // console.log is a debugging leftover; warn/error stay allowed for server-side error reports.
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', ...focusedOrSkipped],
    },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // ops/ is CLI tooling: printing to the terminal is its job.
    files: ['ops/**'],
    rules: { 'no-console': 'off' },
  },
);
