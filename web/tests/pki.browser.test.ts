import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, newPage, screenshot, signIn, startHarness, stopHarness, type Harness } from './browser-harness';

/**
 * Station certificates and the PKI console as people use them, against the real server and worker: the hot-line
 * issues a station certificate from an employee's page and follows it to "issued", takes the bundle once, renews
 * and revokes it, and finds it in the certificate list; the administrator reads the CA and CRL cards, adds a VPN
 * gateway from its form and creates a new CA through the queued job. Keyboard only where it matters, axe on
 * every page, screenshots in test-artifacts/.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await stopHarness(harness);
});

const rows = (page: Page) => page.getByTestId('certificate-row');
const stateOf = async (page: Page, index: number) => (await rows(page).nth(index).locator('td').nth(1).textContent())?.trim() ?? '';

async function readDownload(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('station certificates and the PKI console in Chromium', () => {
  it('hot-line: issue with progress, bundle once, renew, revoke with confirmation, list filters and search', async () => {
    const { page, context, problems } = await newPage(harness);
    await signIn(page, 'hotline');
    await page.goto('/employees', { waitUntil: 'networkidle' });
    await page.locator('table tbody a').first().click();
    await page.waitForURL(/\/employees\/emp_/);
    const employeePath = new URL(page.url()).pathname;
    const vpn = page.getByRole('region', { name: 'VPN e certificati di postazione' });
    expect(await rows(page).count()).toBe(0);

    // A CSR the API refuses is explained by its code in the console's language, never with the server's English.
    await vpn.getByLabel('Della postazione (incolla la CSR)').check();
    await vpn.getByLabel('CSR (PEM)').fill('not a certificate request');
    await vpn.getByRole('button', { name: 'Emetti il certificato' }).click();
    await vpn.getByText('La CSR non si può leggere: serve un solo blocco PEM', { exact: false }).waitFor();
    expect(await page.locator('main [lang="en"]').count()).toBe(0);
    expect(await rows(page).count()).toBe(0);
    await vpn.getByLabel('Generata dal server', { exact: false }).check();

    // Issue (server-side key): the one-time password is shown once; the row follows the worker to "Attivo".
    await vpn.getByRole('button', { name: 'Emetti il certificato' }).click();
    const otp = page.getByTestId('one-time-password');
    await otp.waitFor();
    expect((await otp.textContent())?.trim()).toMatch(/^[A-Za-z0-9-]{16,}$/);
    await expect.poll(() => stateOf(page, 0), { timeout: 60_000 }).toMatch(/In emissione|Attivo/);
    await expect.poll(() => stateOf(page, 0), { timeout: 60_000 }).toBe('Attivo');
    // The form is ready for the next station: still the server-side key, a fresh issuance key.
    expect(await vpn.getByLabel('Generata dal server', { exact: false }).isChecked()).toBe(true);
    const serial = (await rows(page).first().locator('code').textContent())!.trim();
    expect(serial).toMatch(/^[0-9a-f]{16,}$/);
    await screenshot(page, 'pki-1-issued');
    await expectNoSeriousA11yViolations(harness, page);

    // The bundle once: a second tab that still shows the button is refused after the first download.
    const stale = await context.newPage();
    await stale.goto(employeePath, { waitUntil: 'networkidle' });
    await vpn.getByRole('button', { name: 'Scarica il bundle (una sola volta)' }).click();
    await page.getByText('Bundle pronto: salva entrambi i file ora, non sarà più scaricabile.').waitFor();
    const ovpn = page.getByRole('link', { name: 'Profilo OpenVPN (.ovpn)' });
    expect(await ovpn.getAttribute('href')).toMatch(/^data:application\/x-openvpn-profile/);
    expect(decodeURIComponent((await ovpn.getAttribute('href'))!)).toContain('<pkcs12>');
    await expect.poll(() => vpn.getByText('Bundle già scaricato').count()).toBe(1);
    await stale.getByRole('button', { name: 'Scarica il bundle (una sola volta)' }).click();
    await stale.getByText('Il bundle è già stato scaricato ed è stato cancellato.', { exact: false }).waitFor();
    await stale.close();

    // Renew: a second certificate for the same station, issued by the worker.
    await vpn.getByRole('button', { name: 'Rinnova' }).first().click();
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(async () => [await stateOf(page, 0), await stateOf(page, 1)].filter((state) => state === 'Attivo').length, { timeout: 60_000 }).toBe(2);

    // Revoke the first one, by keyboard, in its confirmation dialog: Escape cancels; without the tick nothing is
    // revoked (the box is required); with it the dialog closes and the row says so.
    const original = rows(page).filter({ hasText: serial });
    const openRevoke = original.getByRole('button', { name: 'Revoca…' });
    await openRevoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /Revocare il certificato/ });
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toContain(serial);
    await screenshot(page, 'pki-2-revoke-dialog');
    await expectNoSeriousA11yViolations(harness, page);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await openRevoke.focus();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Motivo').selectOption('superseded');
    await dialog.getByRole('button', { name: 'Revoca il certificato' }).click();
    const tick = dialog.getByLabel('Confermo la revoca', { exact: false });
    expect(await tick.evaluate((box) => (box as HTMLInputElement).validity.valueMissing)).toBe(true);
    expect([await stateOf(page, 0), await stateOf(page, 1)]).not.toContain('Revocato');
    await tick.focus();
    await page.keyboard.press('Space');
    await dialog.getByRole('button', { name: 'Revoca il certificato' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Certificato revocato.').waitFor();
    await expect.poll(async () => (await original.locator('td').nth(1).textContent())?.trim()).toBe('Revocato');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await screenshot(page, 'pki-2-renewed-revoked');

    // The certificate list: filters and the search by serial.
    await page.goto('/certificates', { waitUntil: 'networkidle' });
    const filter = async (state: string, q = '') => {
      await page.getByLabel('Filtro').selectOption(state);
      await page.getByLabel('Cerca (seriale, dipendente, postazione)').fill(q);
      await page.getByRole('button', { name: 'Applica' }).click();
      await page.waitForURL((url) => url.searchParams.get('state') === state);
    };
    await filter('revoked');
    expect(await page.locator('tbody tr').filter({ hasText: serial }).count()).toBe(1);
    await filter('active');
    expect(await page.locator('tbody tr').filter({ hasText: serial }).count()).toBe(0);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await filter('expiring');
    expect(await page.locator('tbody tr').filter({ hasText: serial }).count()).toBe(0);
    await filter('', serial);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Revocato');
    await screenshot(page, 'pki-3-list-search');
    await expectNoSeriousA11yViolations(harness, page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('admin: CA and CRL cards, a gateway from its form with its exports, a new CA through the queue', async () => {
    const { page, context, problems } = await newPage(harness);
    await signIn(page, 'admin');
    await page.goto('/pki', { waitUntil: 'networkidle' });
    expect(await page.getByRole('heading', { name: 'Autorità di certificazione', exact: true }).count()).toBe(1);
    expect(await page.getByTestId('crl-card').getByText('CRL valida').count()).toBe(1);
    const caPem = await page.request.get('/pki/ca.pem');
    expect(await caPem.text()).toContain('-----BEGIN CERTIFICATE-----');
    await expectNoSeriousA11yViolations(harness, page);

    // A gateway: a wrong host is shown next to its field, then saved; its files download from its page.
    await page.goto('/vpn/servers', { waitUntil: 'networkidle' });
    await page.getByRole('link', { name: 'Nuovo gateway' }).click();
    await page.waitForURL(/\/vpn\/servers\/new$/);
    await page.getByLabel('Nome', { exact: true }).fill('gw-prova-1');
    await page.getByLabel('Host', { exact: true }).fill('Non Un Host!');
    await page.getByLabel('Capacità', { exact: true }).fill('50');
    await page.getByRole('button', { name: 'Crea il gateway' }).click();
    const host = page.getByLabel('Host', { exact: true });
    await expect.poll(() => host.getAttribute('aria-invalid')).toBe('true');
    const hostError = await page.locator(`#${(await host.getAttribute('aria-describedby'))!.split(' ').at(-1)!}`).textContent();
    expect(hostError).toContain('Un nome host o un indirizzo IPv4, in minuscolo.');
    await screenshot(page, 'pki-4-gateway-error');
    await host.fill('vpn-prova.comune.prato.it');
    await page.getByRole('button', { name: 'Crea il gateway' }).click();
    await page.waitForURL(/\/vpn\/servers\/vps_[0-9a-z]+\?saved=1$/);
    await page.getByText('Salvato.').waitFor();
    const [snippet] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Configurazione del server OpenVPN (server.conf)' }).click()]);
    expect(snippet.suggestedFilename()).toBe('server.conf');
    expect(await readDownload(snippet)).toContain('verify-client-cert require');
    const [rules] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Regole nftables del profilo/ }).click()]);
    expect(await readDownload(rules)).toContain('table inet');
    await expectNoSeriousA11yViolations(harness, page);
    await page.goto('/vpn/servers', { waitUntil: 'networkidle' });
    expect(await page.getByRole('link', { name: 'gw-prova-1' }).count()).toBe(1);

    // A profile: a wrong firewall line is named; once saved, deleting it needs the tick.
    await page.getByRole('link', { name: 'Nuovo profilo' }).click();
    await page.waitForURL(/\/vpn\/profiles\/new$/);
    await page.getByLabel('Nome', { exact: true }).fill('Tecnici');
    await page.getByLabel('Codice', { exact: true }).fill('tecnici');
    await page.getByLabel('Sottorete dei tunnel', { exact: true }).fill('10.9.0.0/24');
    await page.getByLabel('Rotte inviate ai client', { exact: true }).fill('10.1.0.0/16');
    const firewall = page.getByLabel('Regole firewall (reti e porte raggiungibili)', { exact: true });
    await firewall.fill('10.1.2.0/24 tcp 443,8443\n10.1.3.0/24 icmp 0');
    await page.getByRole('button', { name: 'Crea il profilo' }).click();
    await expect.poll(() => firewall.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Riga 2: Una regola per riga', { exact: false }).count()).toBe(1);
    await firewall.fill('10.1.2.0/24 tcp 443,8443\n10.1.3.0/24 udp 53');
    await page.getByRole('button', { name: 'Crea il profilo' }).click();
    await page.waitForURL(/\/vpn\/profiles\/vpp_[0-9a-z]+\?saved=1$/);
    expect(await page.getByRole('link', { name: 'Aggiungi un gateway a questo profilo' }).getAttribute('href')).toMatch(/^\/vpn\/servers\/new\?profile=vpp_/);
    await expectNoSeriousA11yViolations(harness, page);
    await page.locator('summary', { hasText: 'Elimina' }).click();
    await page.getByRole('button', { name: 'Elimina definitivamente' }).click();
    await page.getByText('Spunta la conferma per eliminare.').waitFor();
    expect(page.url()).toMatch(/\/vpn\/profiles\/vpp_/);
    await page.getByLabel('Confermo l’eliminazione di «Tecnici»', { exact: false }).check();
    await page.getByRole('button', { name: 'Elimina definitivamente' }).click();
    await page.waitForURL(/\/vpn\/servers\?deleted=profile$/);
    await page.getByText('Profilo eliminato.').waitFor();
    expect(await page.getByRole('link', { name: 'Tecnici' }).count()).toBe(0);

    // A new CA, by keyboard: the replacement must be confirmed; the worker's progress is followed to the end.
    await page.goto('/pki', { waitUntil: 'networkidle' });
    const oldName = (await page.getByRole('region', { name: 'Autorità di certificazione' }).locator('strong').textContent())!.trim();
    const create = page.locator('form[action="?/createCa"]');
    await create.getByLabel('Nome della CA').focus();
    await page.keyboard.type('Comune di Prato — CA 2027');
    await page.keyboard.press('Tab'); // key type
    await page.keyboard.press('Tab'); // validity
    await page.keyboard.press('Tab'); // the confirmation box
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('confirmReplace');
    await create.getByRole('button', { name: 'Crea la CA' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => create.getByText('Conferma la sostituzione della CA attiva.').count()).toBe(1);
    await create.getByLabel(`Confermo la sostituzione della CA attiva «${oldName}»`, { exact: false }).focus();
    await page.keyboard.press('Space');
    await create.getByRole('button', { name: 'Crea la CA' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/pki\?caJob=obx_[0-9a-z]+/);
    const job = page.getByTestId('ca-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await page.getByText('Nuova CA creata e attiva; la prima CRL è pubblicata.').waitFor();
    expect((await page.getByRole('region', { name: 'Autorità di certificazione' }).locator('strong').textContent())?.trim()).toBe('Comune di Prato — CA 2027');
    expect(await page.getByTestId('crl-card').getByText('CRL valida').count()).toBe(1);
    await screenshot(page, 'pki-5-ca-created');
    await expectNoSeriousA11yViolations(harness, page);

    // On a phone: the CA forms and the gateway form, nothing to scroll sideways.
    const phone = await newPage(harness, { viewport: { width: 375, height: 740 }, storageState: await context.storageState(), isMobile: true, hasTouch: true });
    for (const path of ['/pki', '/vpn/servers/new', '/vpn/profiles/new']) {
      await phone.page.goto(path, { waitUntil: 'networkidle' });
      const widths = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(widths.scroll, path).toBeLessThanOrEqual(widths.viewport);
    }
    await screenshot(phone.page, 'pki-6-phone-profile-form');
    expect(phone.problems).toEqual([]);
    await phone.context.close();
    expect(problems).toEqual([]);
    await context.close();
  });
});
