import { eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZIssueCertificateResponse } from '../contract/pki.js';
import { ZRequestDetail } from '../contract/requests.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, currentCrlNumber, waitForCertificate, waitForCrlNumberAbove } from './pki-testing.js';

/** A kit request's VPN item gets its station certificate from the real worker; "ready" waits for it; "lost" revokes it. */
describe('station certificates in the kit request workflow', () => {
  let t: TTestApp;
  let employee: TTestSession;
  let manager: TTestSession;
  let hotline: TTestSession;
  const detailOf = async (res: Response) => ZRequestDetail.parse(await res.json());
  const step = (session: TTestSession, id: string, body: Record<string, unknown>) => t.call('POST', `/api/requests/${id}/transitions`, { session, body });

  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', withWorkers: true, pki: { createCa: true } });
    [employee, manager, hotline] = [await t.login('dipendente'), await t.login('responsabile'), await t.login('hotline')];
  });
  afterAll(() => t?.close());

  it('issues the VPN item certificate bound to the laptop, then mark-ready passes; report-lost revokes it (keyCompromise)', async () => {
    let request = await detailOf(await t.call('POST', '/api/requests', { session: employee, body: { kinds: ['vpn', 'laptop'] } }));
    await step(employee, request.id, { action: 'submit' });
    await step(manager, request.id, { action: 'approve' });
    request = await detailOf(await step(hotline, request.id, { action: 'start-fulfilment' }));
    const vpn = request.items.find((item) => item.kind === 'vpn')!;
    const laptop = request.items.find((item) => item.kind === 'laptop')!;
    const certificateUrl = `/api/requests/${request.id}/items/${vpn.id}/certificate`;

    const early = await t.call('POST', certificateUrl, { session: hotline, body: { flow: 'server-key' } });
    expect(early.status).toBe(422);
    expect(ZError.parse(await early.json()).error.message).toMatch(/Assign the laptop first/);
    await t.call('POST', '/api/assets/import', { session: hotline, body: { csv: 'type,model,serial,asset_tag,location\nlaptop,Lenovo T14,SN-PKI-1,PC 0042/A,Magazzino' } });
    const [asset] = await t.database.db.select().from(schema.assets).where(eq(schema.assets.assetTag, 'PC 0042/A'));
    await t.call('POST', `/api/requests/${request.id}/items/${laptop.id}/asset`, { session: hotline, body: { assetId: asset!.id } });
    const notYet = await step(hotline, request.id, { action: 'mark-ready' });
    expect(notYet.status).toBe(409);
    expect(ZError.parse(await notYet.json()).error.message).toMatch(/station certificate/);

    const res = await t.call('POST', certificateUrl, { session: hotline, body: { flow: 'server-key' } });
    expect(res.status).toBe(201);
    const answer = ZIssueCertificateResponse.parse(await res.json());
    expect(answer.oneTimePassword).not.toBeNull();
    expect(answer.certificate).toMatchObject({ assetTag: 'PC 0042/A', commonName: `${employee.me.employeeId}.PC-0042-A` });
    const twice = ZIssueCertificateResponse.parse(await (await t.call('POST', certificateUrl, { session: hotline, body: { flow: 'server-key' } })).json());
    expect(twice).toMatchObject({ replayed: true, oneTimePassword: null, certificate: { id: answer.certificate.id } });

    const issued = await waitForCertificate(t, hotline, answer.certificate.id);
    request = await detailOf(await t.call('GET', `/api/requests/${request.id}`, { session: hotline }));
    expect(request.items.find((item) => item.kind === 'vpn')).toMatchObject({ status: 'issued', certificateId: issued.id });
    expect(request.events.map((event) => event.action)).toEqual(expect.arrayContaining(['certificate-requested', 'certificate-issued']));

    request = await detailOf(await step(hotline, request.id, { action: 'mark-ready' }));
    for (const item of request.items) {
      const ticks = Object.fromEntries(item.checklist.map((box) => [box.key, true]));
      await t.call('PUT', `/api/requests/${request.id}/items/${item.id}/checklist`, { session: hotline, body: { ticks } });
    }
    await step(hotline, request.id, { action: 'mark-installed' });
    request = await detailOf(await step(employee, request.id, { action: 'accept' }));
    expect(request.status).toBe('delivered');
    expect(request.acceptance).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ kind: 'vpn', certificateId: issued.id })]) });

    const ca = await activeCa(t);
    const before = await currentCrlNumber(t, ca.id);
    expect((await step(employee, request.id, { action: 'report-lost', comment: 'Zaino rubato in treno' })).status).toBe(200);
    const revoked = await waitForCertificate(t, hotline, issued.id, (c) => c.state === 'revoked');
    expect(revoked.revocationReason).toBe('keyCompromise');
    expect(await waitForCrlNumberAbove(t, ca.id, before)).toBeGreaterThan(before);
  });
});
