import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The console in Debian's Chromium against the whole Varco server (API + this console's build + workers, fresh
 * demo data). Needs `npm run build -w @varco/web` first and TEST_REDIS_URL (set by `npm test`).
 */

interface AppServer {
  url: string;
  stop(): Promise<void>;
}

// Loaded by path so this file type-checks on its own; VARCO_TEST_APP_SERVER swaps in another starter
// (for example a stub API while the real one is being built).
const APP_SERVER_MODULE =
  process.env.VARCO_TEST_APP_SERVER ?? fileURLToPath(new URL('../../ops/src/testing/app-server.ts', import.meta.url));
const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DEMO_PASSWORD = 'demo-varco-2026';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let server: AppServer;
let browser: Browser;
let axeSource: string;

async function startAppServer(): Promise<AppServer> {
  const module = (await import(/* @vite-ignore */ APP_SERVER_MODULE)) as { startAppServer: () => Promise<AppServer> };
  return module.startAppServer();
}

/** Every page must hydrate under the CSP and without script errors: collect both for the final assertion. */
async function newPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`csp: ${message.text()}`);
    }
  });
  return { context, page, problems };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true });
}

/** axe-core in the page; only serious and critical violations fail the test (moderate ones are reviewed by hand). */
async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  await page.evaluate(axeSource);
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

async function activeElementName(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
}

async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login', { waitUntil: 'networkidle' }); // hydrated: typing before hydration loses the text
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
}

beforeAll(async () => {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const require = createRequire(import.meta.url);
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  server = await startAppServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Varco console in Chromium', () => {
  it('lets the hot-line sign in by keyboard, find an employee and read their eligibility, in Italian and English', async () => {
    const { context, page, problems } = await newPage();

    const response = await page.goto('/login');
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accedi a Varco');
    await screenshot(page, 'login');
    await expectNoSeriousA11yViolations(page);

    // Keyboard only: the skip link comes first, then Tab on to the username field.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Vai al contenuto principale');
    for (let presses = 0; presses < 10 && (await activeElementName(page)) !== 'username'; presses++) {
      await page.keyboard.press('Tab');
    }
    expect(await activeElementName(page)).toBe('username');
    await page.keyboard.type('hotline');
    await page.keyboard.press('Tab');
    expect(await activeElementName(page)).toBe('password');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');

    await page.waitForURL((url) => url.pathname === '/');
    const nav = page.getByRole('navigation', { name: 'Navigazione principale' });
    await expect.poll(() => nav.getByRole('link', { name: 'Dipendenti' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Registro attività' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Dipendenti' }).click();
    await page.waitForURL((url) => url.pathname === '/employees');
    expect(await page.getByRole('status').first().textContent()).toMatch(/^\d[\d.]* dipendenti$/);
    expect(await page.getByText(/^Pagina 1 di \d+$/).count()).toBe(1);
    await screenshot(page, 'employees');
    await expectNoSeriousA11yViolations(page);

    // Search by surname through the GET form (the state lands in the URL).
    await page.getByRole('searchbox', { name: 'Cerca' }).fill('Rossi');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'Rossi');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    for (const name of await rows.locator('th[scope="row"] a').allTextContents()) expect(name).toContain('Rossi');
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);

    await rows.first().locator('th[scope="row"] a').click();
    await page.waitForURL(/\/employees\/emp_[0-9a-z]+$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Rossi');
    const eligibility = page.getByRole('region', { name: 'Idoneità al lavoro agile' });
    expect((await eligibility.locator('.badge').textContent())?.trim()).toMatch(/^(Idoneo|Non idoneo)$/);
    const reasons = await eligibility.locator('li').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).not.toMatch(/[{}]/);
    expect(await page.getByRole('region', { name: 'Accordo di lavoro agile' }).count()).toBe(1);
    await screenshot(page, 'employee');
    await expectNoSeriousA11yViolations(page);

    // The language switch is a plain POST form: the whole page comes back in English, <html lang> included.
    const employeeUrl = page.url();
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(page.url()).toBe(employeeUrl);
    expect(await page.getByRole('region', { name: 'Remote-work eligibility' }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Employees' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await screenshot(page, 'employee-english');

    // Saved in the user's preferences, not just for this page.
    await page.goto('/employees');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('status').first().textContent()).toMatch(/ employees$/);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps an employee out of the staff list and shows them their own page', async () => {
    const { context, page, problems } = await newPage();

    await signIn(page, 'dipendente', 'not-the-password');
    const error = page.getByText('Nome utente o password non corretti.');
    await expect.poll(() => error.count()).toBe(1);
    expect(await page.getByLabel('Nome utente').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Password').getAttribute('aria-describedby')).toContain('login-error');

    await signIn(page, 'dipendente');
    await page.waitForURL((url) => url.pathname === '/');
    const nav = page.getByRole('navigation', { name: 'Navigazione principale' });
    expect(await nav.getByRole('link', { name: 'Dipendenti' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Il mio profilo' }).count()).toBe(1);

    const forbidden = await page.goto('/employees');
    expect(forbidden?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Accesso non consentito');
    expect(await page.locator('main code').textContent()).toMatch(/\S+/); // the request id for the hot-line

    await page.goto('/me');
    await page.waitForURL(/\/employees\/emp_[0-9a-z]+$/);
    expect(await page.getByRole('region', { name: 'Idoneità al lavoro agile' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Modifica dell’accordo' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    const afterSignOut = await page.goto('/me');
    expect(new URL(afterSignOut?.url() ?? '').pathname).toBe('/login');

    expect(problems).toEqual([]);
    await context.close();
  });
});
