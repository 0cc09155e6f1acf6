import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSeriousA11yViolations,
  newPage,
  sawProgressBar,
  screenshot,
  signIn,
  startHarness,
  stopHarness,
  watchForProgressBar,
  type Harness,
} from './browser-harness';

/**
 * The kit request workflow end to end, as people do it: the employee asks for VPN + laptop, the manager approves
 * (a double click on "Approva" must record one approval), the hot-line imports a laptop, takes the request,
 * issues the VPN item's station certificate, fulfils and installs it, and the employee accepts delivery; then the
 * employee's page tells the whole story.
 */

const LAPTOP = { serial: 'PF3ABC01', assetTag: 'PRATO-LT-00001', model: 'Lenovo ThinkPad T14' };
const CSV_HEADER = 'type,model,serial,asset_tag,location';

let harness: Harness;

beforeAll(async () => {
  // With mail: the server sends its notifications to this file's mailbox on the SMTP sink the test command runs.
  harness = await startHarness({ mail: true });
});

afterAll(async () => {
  await stopHarness(harness);
});

const statusBadge = (page: Page) => page.getByRole('region', { name: 'Riepilogo della richiesta' }).locator('.badge');
const timelineActions = (page: Page) =>
  page.locator('ol.timeline > li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset['action']));

async function expectStatus(page: Page, status: string): Promise<void> {
  await expect.poll(async () => (await statusBadge(page).textContent())?.trim()).toBe(status);
}

describe('kit request workflow in Chromium', () => {
  it('takes a VPN + laptop request from the employee to delivery, step by step', async () => {
    // 1. The employee files a VPN + laptop request and submits it.
    const employee = await newPage(harness);
    await signIn(employee.page, 'dipendente');
    const nav = employee.page.getByRole('navigation', { name: 'Navigazione principale' });
    await nav.getByRole('link', { name: 'Le mie richieste' }).click();
    await employee.page.waitForURL((url) => url.pathname === '/requests');
    expect(await employee.page.getByRole('heading', { level: 1 }).textContent()).toBe('Le mie richieste');

    await employee.page.getByLabel('Accesso VPN', { exact: true }).check();
    await employee.page.getByLabel('Computer portatile', { exact: true }).check();
    await employee.page.getByLabel('Nota', { exact: true }).fill('Lavoro da casa il martedì e il giovedì.');
    await screenshot(employee.page, 'workflow-1-new-request');
    await employee.page.getByRole('button', { name: 'Invia la richiesta' }).click();
    await employee.page.waitForURL(/\/requests\/req_[0-9a-z]+\?created=submitted$/);
    const requestPath = new URL(employee.page.url()).pathname;
    const number = /R-\d{4}-\d{6}/.exec((await employee.page.getByRole('heading', { level: 1 }).textContent()) ?? '')?.[0];
    expect(number).toBeDefined();
    await expectStatus(employee.page, 'Inviata');
    expect(await employee.page.getByText('Il responsabile la approva o la respinge.').count()).toBe(1);
    await screenshot(employee.page, 'workflow-2-submitted');
    await expectNoSeriousA11yViolations(harness, employee.page);

    // 2. The manager approves from "Approvazioni" with a double click; a second tab tries again later.
    const manager = await newPage(harness);
    await signIn(manager.page, 'responsabile');
    const secondTab = await manager.context.newPage();
    await secondTab.goto(requestPath, { waitUntil: 'networkidle' });
    await manager.page
      .getByRole('navigation', { name: 'Navigazione principale' })
      .getByRole('link', { name: 'Approvazioni' })
      .click();
    await manager.page.waitForURL((url) => url.pathname === '/approvals');
    const card = manager.page.locator('li.approval').filter({ has: manager.page.getByRole('link', { name: number!, exact: true }) });
    expect(await card.count()).toBe(1);
    // The demo agreement grants vpn + laptop; if a seed change ever stops that, approve with an override note.
    const refused = (await card.getByText('Le regole di idoneità non consentono questa richiesta.', { exact: false }).count()) > 0;
    if (refused) {
      await card.getByLabel('Approva in deroga alle regole di idoneità').check();
      await card.getByLabel('Commento').fill('Deroga: il portatile serve per il progetto wi-fi cittadino.');
    }
    await screenshot(manager.page, 'workflow-3-approvals');
    await expectNoSeriousA11yViolations(harness, manager.page);
    await card.getByRole('button', { name: 'Approva', exact: true }).dblclick();
    await expect.poll(() => manager.page.getByText(`${number}: Richiesta approvata`, { exact: false }).count()).toBe(1);
    expect(await manager.page.locator('li.approval').filter({ hasText: number! }).count()).toBe(0);

    // The second tab still shows "Approva" from before: pressing it is answered kindly, not with an error.
    if (refused) await secondTab.getByLabel('Approva in deroga alle regole di idoneità').check();
    await secondTab.getByRole('button', { name: 'Approva', exact: true }).click();
    await expect.poll(() => secondTab.getByText(/^Già fatto: «Approva»/).count()).toBe(1);
    await expectStatus(secondTab, 'Approvata');
    await screenshot(secondTab, 'workflow-4-already-approved');
    expect((await timelineActions(secondTab)).filter((action) => action === 'approve')).toHaveLength(1);
    // The e-mails of both steps arrived, in Italian: the manager was asked, the employee told (once).
    const mailAbout = (subject: RegExp) => harness.mailbox!.waitFor((m) => m.subject.includes(number!) && subject.test(m.subject), 30_000);
    const toManager = await mailAbout(/da approvare$/);
    const toEmployee = await mailAbout(/approvata$/);
    expect(toManager.to).toHaveLength(1);
    expect(toEmployee.to).toHaveLength(1);
    expect(toEmployee.to).not.toEqual(toManager.to);
    expect(toEmployee.text).toMatch(/^Gentile .+,\n\nLa tua richiesta R-\d{4}-\d{6} \(computer portatile, accesso VPN\) è stata approvata da /);

    // 3. The hot-line imports a laptop (a bad file first: nothing is imported, each wrong row is named).
    const hotline = await newPage(harness);
    await signIn(hotline.page, 'hotline');
    const hotlineNav = hotline.page.getByRole('navigation', { name: 'Navigazione principale' });
    await hotlineNav.getByRole('link', { name: 'Dispositivi' }).click();
    await hotline.page.waitForURL((url) => url.pathname === '/assets');
    const csvBox = hotline.page.getByLabel('Contenuto CSV');
    await csvBox.fill(`${CSV_HEADER}\nlaptop,Lenovo ThinkPad T14,PF3BAD01,PRATO-LT-09999,Magazzino\ntablet,Qualcosa,X1,PRATO-XX-1,Magazzino\n`);
    await hotline.page.getByRole('button', { name: 'Importa i dispositivi' }).click();
    await expect.poll(() => hotline.page.getByText('Nessun dispositivo importato', { exact: false }).count()).toBe(1);
    const problemRows = hotline.page.getByRole('table', { name: 'Errori riga per riga' }).locator('tbody tr');
    expect(await problemRows.count()).toBe(1);
    expect(await problemRows.first().locator('th').textContent()).toBe('3');
    await screenshot(hotline.page, 'workflow-5-assets-import-errors');

    await csvBox.fill(`${CSV_HEADER}\nlaptop,${LAPTOP.model},${LAPTOP.serial},${LAPTOP.assetTag},Magazzino\n`);
    await hotline.page.getByRole('button', { name: 'Importa i dispositivi' }).click();
    await expect.poll(() => hotline.page.getByText('1 dispositivo importato.').count()).toBe(1);
    expect(await hotline.page.getByRole('table').getByText(LAPTOP.assetTag).count()).toBe(1);
    await screenshot(hotline.page, 'workflow-6-assets');
    await expectNoSeriousA11yViolations(harness, hotline.page);

    // The queue: start fulfilment in bulk, with a progress bar while it runs and a result per request.
    await hotlineNav.getByRole('link', { name: 'Coda hot-line' }).click();
    await hotline.page.waitForURL((url) => url.pathname === '/queue');
    const queueRows = hotline.page.locator('tbody tr').filter({ hasText: number! });
    expect(await queueRows.count()).toBe(2); // the VPN item and the laptop item
    await screenshot(hotline.page, 'workflow-7-queue');
    await expectNoSeriousA11yViolations(harness, hotline.page);
    await watchForProgressBar(hotline.page);
    await hotline.page.getByLabel(`Seleziona la richiesta ${number}`).check();
    await hotline.page.getByLabel('Operazione', { exact: true }).selectOption('start-fulfilment');
    await hotline.page.getByRole('button', { name: 'Esegui sulle selezionate' }).click();
    await expect.poll(() => hotline.page.getByText('1 richiesta eseguita', { exact: false }).count()).toBe(1);
    expect(await sawProgressBar(hotline.page)).toBe(true);
    expect(await hotline.page.getByLabel(`Seleziona la richiesta ${number}`).isChecked()).toBe(false);
    await screenshot(hotline.page, 'workflow-8-queue-bulk');

    // Take the request, assign the laptop from stock, mark ready, tick every box, mark installed.
    await queueRows.first().getByRole('link', { name: number! }).click();
    await hotline.page.waitForURL((url) => url.pathname === requestPath);
    await expectStatus(hotline.page, 'In lavorazione');
    await hotline.page.getByRole('button', { name: 'Prendi in carico' }).click();
    await expect.poll(() => hotline.page.getByText('La richiesta è in carico a te.').count()).toBe(1);
    const assetSelect = hotline.page.getByLabel(/Dispositivo per «Computer portatile»/);
    const laptopOption = assetSelect.locator('option', { hasText: LAPTOP.assetTag });
    await assetSelect.selectOption((await laptopOption.getAttribute('value'))!);
    await hotline.page.getByRole('button', { name: 'Assegna il dispositivo' }).click();
    await expect.poll(() => hotline.page.getByText('Dispositivo assegnato.').count()).toBe(1);
    expect(await hotline.page.getByText(LAPTOP.serial).count()).toBeGreaterThan(0);
    await screenshot(hotline.page, 'workflow-9-asset-assigned');

    // The VPN item needs its station certificate (bound to the laptop) before "ready": issue it, note the
    // one-time password (shown once), and wait while the page polls until the worker has signed it.
    const vpnCertificate = hotline.page.getByTestId('item-certificate');
    await hotline.page.getByRole('button', { name: 'Emetti certificato di postazione' }).click();
    // The action seals the password and writes three rows: on a loaded 2-core machine that can take over a second.
    await expect.poll(() => hotline.page.getByText('Certificato di postazione richiesto: l’emissione è in corso.').count(), { timeout: 15_000 }).toBe(1);
    expect(await hotline.page.getByTestId('one-time-password').textContent()).toMatch(/\S{8,}/);
    expect(await hotline.page.getByRole('button', { name: 'Emetti certificato di postazione' }).count()).toBe(0);
    await expect
      .poll(async () => (await vpnCertificate.textContent())?.replace(/\s+/g, ' ').trim(), { timeout: 60_000, interval: 500 })
      .toMatch(/Certificato di postazione emesso\..*Attivo.*Seriale del certificato: [0-9A-Fa-f:]+/);
    expect(await hotline.page.getByTestId('one-time-password').count()).toBe(1); // the polling reloads keep it
    await screenshot(hotline.page, 'workflow-certificate');
    await hotline.page.getByRole('button', { name: 'Ho annotato la password' }).click();
    expect(await hotline.page.getByTestId('one-time-password').count()).toBe(0);

    await hotline.page.getByRole('button', { name: 'Segna come pronta' }).click();
    // If the API refuses the step, say why (its own sentence) instead of timing out on the status.
    await expect
      .poll(async () => (await hotline.page.getByRole('alert').count()) > 0 || (await statusBadge(hotline.page).textContent())?.trim())
      .not.toBe('In lavorazione');
    expect(await hotline.page.getByRole('alert').allTextContents(), 'the API refused "Segna come pronta"').toEqual([]);
    await expectStatus(hotline.page, 'Pronta per l’installazione');
    const checklist = hotline.page.getByRole('region', { name: 'Checklist di installazione' });
    const boxes = checklist.getByRole('checkbox');
    expect(await boxes.count()).toBe(6); // VPN 3 + laptop 3
    for (const box of await boxes.all()) await box.check();
    await hotline.page.getByRole('button', { name: 'Salva la checklist' }).click();
    await expect.poll(() => hotline.page.getByText('Checklist salvata.').count()).toBe(1);
    await hotline.page.getByRole('button', { name: 'Segna come installata' }).click();
    await expectStatus(hotline.page, 'Installata');
    await screenshot(hotline.page, 'workflow-10-installed');
    await expectNoSeriousA11yViolations(harness, hotline.page);

    // 4. The employee sees what they are accepting (serial and asset tag) and confirms delivery.
    await employee.page.goto(requestPath, { waitUntil: 'networkidle' });
    await expectStatus(employee.page, 'Installata');
    const acceptForm = employee.page.getByRole('form', { name: 'Conferma la consegna' });
    expect(await acceptForm.getByText(LAPTOP.serial).count()).toBe(1);
    expect(await acceptForm.getByText(LAPTOP.assetTag).count()).toBe(1);
    await screenshot(employee.page, 'workflow-11-accept');
    await acceptForm.getByRole('button', { name: 'Conferma la consegna' }).click();
    await expectStatus(employee.page, 'Consegnata');
    await expect.poll(() => employee.page.getByText('Consegna confermata. Grazie!').count()).toBe(1);

    // Every step is in the timeline, once; the laptop shows with its serial; certificates are announced.
    expect(await timelineActions(employee.page)).toEqual([
      'create',
      'submit',
      'approve',
      'start-fulfilment',
      'assign',
      'assign-asset',
      'certificate-requested',
      'certificate-issued',
      'mark-ready',
      'mark-installed',
      'accept',
    ]);
    const items = employee.page.getByRole('region', { name: 'Dotazione', exact: true });
    expect(await items.getByText(LAPTOP.serial).count()).toBe(1);
    expect(await items.getByText(LAPTOP.assetTag).count()).toBe(1);
    expect(await items.getByText('Certificato di postazione emesso.').count()).toBe(1);
    expect(await employee.page.getByText('Nessuno: la richiesta è conclusa').count()).toBe(0);
    await screenshot(employee.page, 'workflow-12-delivered');
    await expectNoSeriousA11yViolations(harness, employee.page);

    // On a phone: the same page, nothing to scroll sideways.
    const phone = await newPage(harness, {
      viewport: { width: 375, height: 740 },
      storageState: await employee.context.storageState(),
      isMobile: true,
      hasTouch: true,
    });
    await phone.page.goto(requestPath, { waitUntil: 'networkidle' });
    await expectStatus(phone.page, 'Consegnata');
    const widths = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    await screenshot(phone.page, 'workflow-13-phone');

    // "Le mie richieste" shows the kit the employee now holds and the station certificate with its expiry.
    await employee.page.goto('/requests', { waitUntil: 'networkidle' });
    const myKit = employee.page.getByRole('region', { name: 'La mia dotazione' });
    // Twice: the laptop itself, and the station certificate whose name is bound to the laptop's asset tag.
    expect(await myKit.getByText(LAPTOP.assetTag, { exact: false }).count()).toBe(2);
    expect(await myKit.getByText(/Scade il/).count()).toBe(1);
    await screenshot(employee.page, 'workflow-15-my-kit');

    // The reports count the kit just handed out.
    await hotlineNav.getByRole('link', { name: 'Report' }).click();
    await hotline.page.waitForURL((url) => url.pathname === '/reports');
    expect(await hotline.page.getByRole('img', { name: 'Grafico a barre della dotazione consegnata per mese' }).count()).toBe(1);
    const handedOut = hotline.page.getByRole('table', { name: 'Dotazione consegnata per mese e tipo' });
    expect(await handedOut.locator('tbody tr').count()).toBe(1);
    await screenshot(hotline.page, 'workflow-14-reports');
    await expectNoSeriousA11yViolations(harness, hotline.page);

    for (const session of [employee, manager, hotline, phone]) {
      expect(session.problems).toEqual([]);
      await session.context.close();
    }
  }, 240_000);

  it('lets the hot-line file a request on an employee’s behalf, found through the staff search', async () => {
    const { context, page, problems } = await newPage(harness);
    await signIn(page, 'hotline');
    await page.goto('/requests', { waitUntil: 'networkidle' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Richieste');

    await page.getByRole('searchbox', { name: 'Cerca il dipendente' }).fill('ro');
    await page.getByRole('button', { name: 'Cerca il dipendente' }).click();
    await page.waitForURL((url) => url.searchParams.get('employeeQ') === 'ro');
    const recipients = page.getByRole('group', { name: 'Per chi è la richiesta' }).getByRole('radio');
    await expect.poll(() => recipients.count()).toBeGreaterThan(1); // "for me" and at least one match
    const someone = recipients.nth(1);
    const label = (await page.locator(`label[for="${await someone.getAttribute('id')}"]`).textContent())?.trim() ?? '';
    const name = label.split(' — ')[0]!;
    await someone.check();
    await page.getByLabel('Cuffie con microfono', { exact: true }).check();
    await screenshot(page, 'workflow-hotline-on-behalf');
    await expectNoSeriousA11yViolations(harness, page);
    await page.getByRole('button', { name: 'Salva come bozza' }).click();
    await page.waitForURL(/\/requests\/req_[0-9a-z]+\?created=draft$/);
    expect(await page.locator('main .lead').first().textContent()).toContain(`Per ${name}`);
    await expectStatus(page, 'Bozza');

    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('asks for confirmation before cancelling, and works without JavaScript', async () => {
    const { context, page, problems } = await newPage(harness, { javaScriptEnabled: false });
    await signIn(page, 'dipendente');
    await page.goto('/requests', { waitUntil: 'networkidle' });

    // "Kit lavoro agile" without JavaScript: the server ticks the boxes and sends the form back.
    await page.getByRole('button', { name: 'Kit lavoro agile' }).click();
    await expect.poll(() => page.getByText('Kit lavoro agile selezionato', { exact: false }).count()).toBe(1);
    for (const kind of ['Accesso VPN', 'Computer portatile', 'Docking station con monitor, tastiera e mouse', 'Cuffie con microfono', 'Webcam']) {
      expect(await page.getByLabel(kind, { exact: true }).isChecked(), kind).toBe(true);
    }
    expect(await page.getByLabel('Router mobile', { exact: true }).isChecked()).toBe(false);

    // Nothing ticked: the server says so next to the field.
    for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Salva come bozza' }).click();
    await expect.poll(() => page.getByText('Scegli almeno una voce della dotazione.').count()).toBe(1);

    await page.getByLabel('Webcam', { exact: true }).check();
    await page.getByRole('button', { name: 'Salva come bozza' }).click();
    await page.waitForURL(/\/requests\/req_[0-9a-z]+\?created=draft$/);
    const requestPath = new URL(page.url()).pathname;
    await expectStatus(page, 'Bozza');

    // A step that cannot be undone asks first; going back changes nothing.
    await page.getByRole('button', { name: 'Annulla la richiesta' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Serve una conferma' }).count()).toBe(1);
    await screenshot(page, 'workflow-confirm-cancel');
    await page.getByRole('link', { name: 'Torna indietro senza fare nulla' }).click();
    await page.waitForURL((url) => url.pathname === requestPath);
    await expectStatus(page, 'Bozza');

    await page.getByLabel('Commento').last().fill('Non serve più.');
    await page.getByRole('button', { name: 'Annulla la richiesta' }).click();
    await page.getByRole('button', { name: 'Conferma: Annulla la richiesta' }).click();
    await expect.poll(() => page.getByText('Richiesta annullata.').count()).toBe(1);
    await expectStatus(page, 'Annullata');
    expect(await timelineActions(page)).toEqual(['create', 'cancel']);
    expect(await page.locator('ol.timeline').getByText('Non serve più.').count()).toBe(1);

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
