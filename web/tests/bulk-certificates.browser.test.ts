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
 * "Issue certificates for many" from the hot-line queue, by keyboard: three VPN requests in fulfilment and one
 * not yet started are selected; the run posts the selection, then a progress bar follows the real worker until
 * every certificate is issued; each one-time password is on screen and a bundle is handed out once per row.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await stopHarness(harness);
});

/** The JSON API from inside the signed-in page (same cookie, the session's CSRF token), to prepare data quickly. */
async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    { method, path, body },
  );
}

describe('hot-line bulk certificates and workflow refusals in Chromium', () => {
  it('issues the certificates of the selected VPN requests with a progress bar that follows the worker', async () => {
    const hotline = await newPage(harness);
    await signIn(hotline.page, 'hotline');
    const admin = await newPage(harness);
    await signIn(admin.page, 'admin');

    // Four people, one VPN request each (filed by the hot-line, approved by an admin with a note); three in fulfilment.
    const staff = await api<{ items: { id: string }[] }>(hotline.page, 'GET', '/api/employees?active=true&pageSize=40');
    const people = staff.items.slice(10, 14).map((person) => person.id);
    const numbers: string[] = [];
    for (const [index, employeeId] of people.entries()) {
      const request = await api<{ id: string; number: string }>(hotline.page, 'POST', '/api/requests', { kinds: ['vpn'], employeeId });
      await api(hotline.page, 'POST', `/api/requests/${request.id}/transitions`, { action: 'submit' });
      await api(admin.page, 'POST', `/api/requests/${request.id}/transitions`, { action: 'approve', override: true, comment: 'Prova della emissione in blocco' });
      if (index < 3) await api(hotline.page, 'POST', `/api/requests/${request.id}/transitions`, { action: 'start-fulfilment' });
      numbers.push(request.number);
    }

    await hotline.page.goto('/queue?kind=vpn', { waitUntil: 'networkidle' });
    await watchForProgressBar(hotline.page);
    for (const number of numbers) {
      await hotline.page.getByLabel(`Seleziona la richiesta ${number}`).focus();
      await hotline.page.keyboard.press('Space');
    }
    const submit = hotline.page.getByRole('button', { name: 'Emetti i certificati delle selezionate' });
    await submit.focus();
    // A double press is one run: the second is ignored while the first is still going.
    await hotline.page.keyboard.press('Enter');
    await hotline.page.keyboard.press('Enter');

    await expect.poll(() => hotline.page.getByText('Emissione terminata: 3 emessi, 0 non riusciti.').count(), { timeout: 60_000 }).toBe(1);
    expect(await sawProgressBar(hotline.page)).toBe(true);
    const results = hotline.page.getByRole('table', { name: 'Certificati delle voci VPN selezionate' });
    expect(await results.locator('tbody tr').count()).toBe(4);
    const passwords = await results.getByTestId('bulk-one-time-password').allTextContents();
    expect(passwords).toHaveLength(3);
    expect(new Set(passwords).size).toBe(3);
    const refused = results.locator('tbody tr').filter({ hasText: numbers[3]! });
    // The workflow's refusal in the session's language (its code translated), with no English sentence beside it.
    expect(await refused.getByText('I certificati si emettono mentre la richiesta è in lavorazione.').count()).toBe(1);
    expect(await results.locator('[lang="en"]').count()).toBe(0);
    for (const number of numbers.slice(0, 3)) {
      expect(await results.locator('tbody tr').filter({ hasText: number }).getByText('Attivo').count()).toBe(1);
    }
    expect(await hotline.page.getByLabel(`Seleziona la richiesta ${numbers[0]}`).count()).toBe(1);
    await screenshot(hotline.page, 'queue-bulk-certificates');
    await expectNoSeriousA11yViolations(harness, hotline.page);

    // One row's bundle, once: the files appear in that row, the passwords stay on screen.
    const firstRow = results.locator('tbody tr').filter({ hasText: numbers[0]! });
    await firstRow.getByRole('button', { name: 'Scarica il bundle (una sola volta)' }).click();
    await expect.poll(() => firstRow.getByRole('link', { name: 'Profilo OpenVPN (.ovpn)' }).count()).toBe(1);
    expect(await results.getByTestId('bulk-one-time-password').count()).toBe(3);
    expect(await results.locator('tbody tr').getByRole('button', { name: 'Scarica il bundle (una sola volta)' }).count()).toBe(2);
    await screenshot(hotline.page, 'queue-bulk-certificates-bundle');

    // The queue reloaded once they were issued: the three VPN items now say so.
    const row = hotline.page.getByRole('table', { name: /Articoli in coda/ }).locator('tbody tr').filter({ hasText: numbers[0]! });
    await expect.poll(() => row.getByText('Consegnato', { exact: true }).count()).toBeGreaterThan(0);
    expect([...hotline.problems, ...admin.problems]).toEqual([]);
  });

  it('shows a refusal of the workflow rules in the session’s language, never as an English sentence', async () => {
    const hotline = await newPage(harness);
    await signIn(hotline.page, 'hotline');
    const admin = await newPage(harness);
    await signIn(admin.page, 'admin');
    // Someone whose job profile may not work remotely: approving needs an override with a note.
    const staff = await api<{ items: { id: string }[] }>(hotline.page, 'GET', '/api/employees?active=true&eligible=false&pageSize=5');
    const request = await api<{ id: string }>(hotline.page, 'POST', '/api/requests', { kinds: ['vpn'], employeeId: staff.items[0]!.id });
    await api(hotline.page, 'POST', `/api/requests/${request.id}/transitions`, { action: 'submit' });

    await admin.page.goto(`/requests/${request.id}`, { waitUntil: 'networkidle' });
    await admin.page.getByRole('button', { name: 'Approva', exact: true }).click();
    const refusal = admin.page.getByText('Le regole di idoneità non consentono di approvare (il profilo «', { exact: false });
    await expect.poll(() => refusal.count(), { timeout: 15_000 }).toBe(1);
    const sentence = (await refusal.textContent()) ?? '';
    expect(sentence).toMatch(/\(il profilo «[^{}«»]+» non può essere svolto da remoto\)\. Un responsabile può approvare in deroga con una nota\.$/);
    expect(await admin.page.locator('main [lang="en"]').count()).toBe(0);
    await screenshot(admin.page, 'request-refusal-italian');

    await admin.page.getByRole('button', { name: 'English' }).click();
    await admin.page.waitForFunction(() => document.documentElement.lang === 'en');
    await admin.page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect
      .poll(() => admin.page.getByText('The eligibility rules do not allow approval (the job profile “', { exact: false }).count(), { timeout: 15_000 })
      .toBe(1);
    expect([...hotline.problems, ...admin.problems]).toEqual([]);
  });
});
