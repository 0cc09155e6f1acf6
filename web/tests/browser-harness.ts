import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * What every browser test of the console needs: the whole Varco server (API + this console's build + workers,
 * fresh demo data), Debian's Chromium, axe-core, screenshots. Needs `npm run build -w @varco/web` first and
 * TEST_REDIS_URL (set by `npm test`).
 */

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

// Loaded by path so this file type-checks on its own; VARCO_TEST_APP_SERVER swaps in another starter
// (for example a stub API while the real one is being built).
const APP_SERVER_MODULE =
  process.env.VARCO_TEST_APP_SERVER ?? fileURLToPath(new URL('../../ops/src/testing/app-server.ts', import.meta.url));
const MAILBOX_MODULE = fileURLToPath(new URL('../../ops/src/testing/mailbox.ts', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
export const DEMO_PASSWORD = 'demo-varco-2026';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The server's own mailbox on the run's SMTP sink (ops/src/testing/mailbox.ts), when the harness was asked for mail. */
export interface HarnessMailbox {
  waitFor(predicate: (message: SinkMessage) => boolean, timeoutMs: number): Promise<SinkMessage>;
}
export interface SinkMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Harness {
  server: AppServer;
  browser: Browser;
  axeSource: string;
  /** Set with `startHarness({ mail: true })`: the server sends its notifications there. */
  mailbox?: HarnessMailbox | null;
}

export async function startHarness(options: { mail?: boolean } = {}): Promise<Harness> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const require = createRequire(import.meta.url);
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const mailbox = options.mail
    ? ((await import(/* @vite-ignore */ MAILBOX_MODULE)) as { openMailbox: (prefix: string) => HarnessMailbox & { url: string } }).openMailbox('browser')
    : null;
  const env: Record<string, string> = mailbox ? { SMTP_URL: mailbox.url, SMTP_FROM: 'Varco <varco@comune.example.it>' } : {};
  const module = (await import(/* @vite-ignore */ APP_SERVER_MODULE)) as { startAppServer: (options: { env: Record<string, string> }) => Promise<AppServer> };
  const server = await module.startAppServer({ env });
  try {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    return { server, browser, axeSource, mailbox };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export async function stopHarness(harness: Harness | undefined): Promise<void> {
  await harness?.browser.close();
  await harness?.server.stop();
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** CSP violations and script errors seen so far: every test ends by expecting none. */
  problems: string[];
}

/** Every page must hydrate under the CSP and without script errors: collect both for the final assertion. */
export async function newPage(harness: Harness, options: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await harness.browser.newContext({
    baseURL: harness.server.url,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  watchPage(page, problems);
  return { context, page, problems };
}

export function watchPage(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`csp: ${message.text()}`);
    }
  });
}

/** Starts noting whether a `<progress>` ever appears (a bulk run may finish before a poll could see it). */
export async function watchForProgressBar(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = window as unknown as { sawProgress: boolean };
    seen.sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('progress')) seen.sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
}

export async function sawProgressBar(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress);
}

/**
 * A full-page PNG into the artifacts (README screenshots come from here). Chromium on a loaded 2-core machine once
 * never delivered the frame for a capture (30 s after "fonts loaded", CI on 73adaa1); a second attempt gets a fresh
 * one. CSS animations are stopped so the page has a still frame to give. A second failure fails the test.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const options = { path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true, animations: 'disabled', timeout: 15_000 } as const;
  try {
    await page.screenshot(options);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    await page.screenshot(options);
  }
}

/** axe-core in the page; only serious and critical violations fail the test (moderate ones are reviewed by hand). */
export async function expectNoSeriousA11yViolations(harness: Harness, page: Page): Promise<void> {
  await page.evaluate(harness.axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${page.url()}`).toEqual([]);
}

/**
 * Typing before SvelteKit has hydrated the page loses the text (hydration resets the fields, and the form then
 * posts empty): wait for the network to settle and check the fields still hold what was typed before pressing.
 */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login', { waitUntil: 'networkidle' });
  const user = page.getByLabel('Nome utente');
  const secret = page.getByLabel('Password');
  await expect
    .poll(async () => {
      if ((await user.inputValue()) !== username) await user.fill(username);
      if ((await secret.inputValue()) !== password) await secret.fill(password);
      return (await user.inputValue()) === username && (await secret.inputValue()) === password;
    })
    .toBe(true);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}
