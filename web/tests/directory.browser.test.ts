import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../ops/src/testing/directory-fixture';
import { asDirectoryAdmin } from '../../ops/src/testing/directory-sync-fixture';
import { startAppServer } from '../../ops/src/testing/app-server';
import { startSlapd, type TSlapd } from '../../ops/src/testing/slapd';
import { expectNoSeriousA11yViolations, newPage, screenshot, signIn, type Harness } from './browser-harness';

/**
 * Directory sync in the console, in Chromium, against the whole server configured with a real slapd (60 generated
 * people + one entry whose surname is markup). The demo's seeded staff are not in that directory, so the first
 * real sync would disable them all: it must stop at the confirmation screen.
 */
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('directory sync console', () => {
  let slapd: TSlapd;
  let harness: Harness;

  beforeAll(async () => {
    const { people, groups } = generateDirectory(60, { seed: 5 });
    slapd = await startSlapd({ people, groups, flavour: 'openldap' });
    await asDirectoryAdmin(slapd, (client) =>
      client.add(`uid=zed,${slapd.peopleDn}`, { objectClass: 'inetOrgPerson', uid: 'zed', cn: 'z', givenName: 'Zed', sn: HOSTILE, ou: 'SD', title: 'Istruttore informatico' }),
    );
    const server = await startAppServer({
      env: {
        LDAP_URL: slapd.url, LDAP_PROFILE: 'openldap', LDAP_BIND_DN: slapd.serviceDn, LDAP_BIND_PASSWORD: slapd.servicePassword,
        LDAP_USER_BASE_DN: slapd.peopleDn, LDAP_SYNC_ENABLED: 'true', LDAP_SYNC_PAGE_SIZE: '20',
      },
    });
    const require = createRequire(import.meta.url);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] }).catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
    harness = { server, browser, axeSource: await readFile(require.resolve('axe-core/axe.min.js'), 'utf8') };
  });
  afterAll(async () => {
    await harness?.browser.close();
    await harness?.server.stop();
    await slapd?.stop();
  });

  it('settings, test connection, a dry run whose preview shows directory markup as text', async () => {
    const { page, problems } = await newPage(harness);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
    await signIn(page, 'admin');
    await page.getByRole('link', { name: 'Sincronizzazione directory' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sincronizzazione della directory');
    expect(await page.content()).not.toContain(slapd.servicePassword);
    await expectNoSeriousA11yViolations(harness, page);

    await page.getByRole('button', { name: 'Prova la connessione' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connessione riuscita' }).count()).toBe(1);
    await screenshot(page, 'directory-settings');

    await page.getByRole('button', { name: 'Prova senza modifiche' }).click();
    await page.waitForURL(/\/directory\/runs\/run_/);
    await expect.poll(() => page.getByText('Completata').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(`Zed ${HOSTILE}`, { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await expectNoSeriousA11yViolations(harness, page);
    await screenshot(page, 'directory-dry-run');
    expect(problems).toEqual([]);
  });

  /** Signs in as admin and presses "Sync now": the page is then the new run's. */
  async function startSyncFromConsole(page: Page) {
    await signIn(page, 'admin');
    await page.goto('/directory');
    await page.getByRole('button', { name: 'Sincronizza ora' }).click();
    await page.waitForURL(/\/directory\/runs\/run_/);
  }

  it('a held sync can be discarded in two steps: nobody is disabled, the run shows as cancelled', async () => {
    const { page, problems } = await newPage(harness);
    await startSyncFromConsole(page);
    await expect.poll(() => page.getByRole('heading', { name: 'Conferma delle disattivazioni' }).count(), { timeout: 30_000 }).toBe(1);
    await page.getByRole('link', { name: 'Scarta questa sincronizzazione…' }).click();
    await page.waitForURL(/discard=1/);
    await page.getByLabel('Motivo (facoltativo, resta nel registro delle attività)').fill('Filtro sbagliato <b>');
    await expectNoSeriousA11yViolations(harness, page);
    await page.getByRole('button', { name: 'Scarta la sincronizzazione' }).click();
    await page.waitForURL((url) => !url.search.includes('discard'), { timeout: 30_000 }).catch(async (err: unknown) => {
      await screenshot(page, 'directory-discard-failed');
      throw err;
    });
    await expect.poll(() => page.getByText('Annullata').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Scartata da un amministratore: nessuno è stato disattivato.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Conferma delle disattivazioni' }).count()).toBe(0);
    await screenshot(page, 'directory-discarded');
    await page.goto('/employees?q=zed');
    expect(await page.getByText(`Zed ${HOSTILE}`, { exact: false }).count()).toBe(0); // the discarded run created nobody either
    expect(problems).toEqual([]);
  });

  it('sync now stops for confirmation (live, without reloading); the two-step confirmation applies it', async () => {
    const { page, problems } = await newPage(harness);
    await startSyncFromConsole(page);
    // The page polls while the run runs: the held state appears without a reload.
    await expect.poll(() => page.getByRole('heading', { name: 'Conferma delle disattivazioni' }).count(), { timeout: 30_000 }).toBe(1);
    // The demo's active staff (922 of 927) are not in this directory.
    await expect.poll(() => page.getByText(/disattiverebbe 922 persone/).count()).toBe(1);
    // 922 people: the list is paged by 100 and searchable, with the whole list's count by reason above it.
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Pagina 1 di 10.' }).count()).toBe(1);
    expect(await page.locator('#confirm tbody tr').count()).toBe(100);
    await expect.poll(() => page.getByText('Non è più nella directory: 922').count()).toBe(1);
    await expectNoSeriousA11yViolations(harness, page);
    await screenshot(page, 'directory-confirmation');
    const someone = (await page.locator('#confirm tbody tr').nth(42).locator('code').textContent())!;
    await page.getByRole('searchbox', { name: 'Cerca nell’elenco' }).fill(someone.toUpperCase());
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'di 922 persone corrispondono alla ricerca.' }).count()).toBe(1);
    await expect.poll(() => page.locator('#confirm tbody tr code').allTextContents()).toContain(someone);
    await page.getByRole('searchbox', { name: 'Cerca nell’elenco' }).fill('nessuno-con-questo-nome');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await expect.poll(() => page.getByText('Nessuna persona dell’elenco corrisponde alla ricerca.').count()).toBe(1);
    await page.getByRole('link', { name: 'Mostra tutto l’elenco' }).click();
    await expect.poll(() => page.locator('#confirm tbody tr').count()).toBe(100);

    await page.getByRole('link', { name: 'Continua con la conferma' }).click();
    const submit = page.getByRole('button', { name: 'Conferma e disattiva 922 persone' });
    await submit.click(); // the checkbox is required: nothing is sent
    expect(page.url()).toContain('confirm=1');
    await page.getByLabel(/Ho controllato l’elenco: disattiva 922 persone/).check();
    await submit.click();
    await expect.poll(() => page.getByText('Completata').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Disattivati').count()).toBeGreaterThan(0);
    await screenshot(page, 'directory-confirmed');

    await page.goto('/employees?q=zed');
    await expect.poll(() => page.getByText(`Zed ${HOSTILE}`, { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.locator('main img').count()).toBe(0);
    await page.goto('/deprovisioning?status=all');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Uscite del personale');
    await expectNoSeriousA11yViolations(harness, page);
    await screenshot(page, 'deprovisioning');
    expect(problems).toEqual([]);
  });
});
