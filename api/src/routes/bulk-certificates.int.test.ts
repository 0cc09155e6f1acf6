import { and, count, eq, inArray } from 'drizzle-orm';
import { schema } from '@varco/db';
import { testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZBulkCertificatesResult, ZRequestDetail, type TBulkCertificatesResult } from '../contract/requests.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';
import { waitForCertificate } from './pki-testing.js';

const ISSUE_JOB = 'pki.issue-station-certificate';

/** "Issue certificates for many" from the hot-line queue: the real API, the real worker, PGlite and PostgreSQL. */
describe.each(testDatabaseKinds())('bulk station certificates on %s', (kind) => {
  let t: TTestApp;
  let hotline: TTestSession;
  let admin: TTestSession;
  let employeeIds: string[];
  const detailOf = async (res: Response) => ZRequestDetail.parse(await res.json());
  const step = (session: TTestSession, id: string, body: Record<string, unknown>) => t.call('POST', `/api/requests/${id}/transitions`, { session, body });
  const bulk = async (requestIds: string[], session = hotline) => {
    const res = await t.call('POST', '/api/requests/bulk-certificates', { session, body: { requestIds } });
    expect(res.status, await res.clone().text()).toBe(200);
    return ZBulkCertificatesResult.parse(await res.json());
  };

  /** A request filed by the hot-line for someone, approved (admin, with a note) and, unless told, in fulfilment. */
  async function requestFor(employeeId: string, kinds: string[], until: 'submitted' | 'in_fulfilment' = 'in_fulfilment') {
    const created = await detailOf(await t.call('POST', '/api/requests', { session: hotline, body: { kinds, employeeId } }));
    await step(hotline, created.id, { action: 'submit' });
    if (until === 'submitted') return created;
    expect((await step(admin, created.id, { action: 'approve', override: true, comment: 'Test: approvato per la prova' })).status).toBe(200);
    return detailOf(await step(hotline, created.id, { action: 'start-fulfilment' }));
  }

  async function issuanceRows(certificateIds: string[]) {
    const [outbox] = await t.database.db.select({ n: count() }).from(schema.outbox).where(eq(schema.outbox.jobName, ISSUE_JOB));
    const certificates = await t.database.db.select().from(schema.certificates).where(inArray(schema.certificates.id, certificateIds));
    const audit = await t.database.db
      .select({ n: count() })
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.targetType, 'certificate'), inArray(schema.auditLog.targetId, certificateIds)));
    return { outbox: outbox!.n, certificates: certificates.length, audit: audit[0]!.n };
  }

  beforeAll(async () => {
    t = await startTestApp({ kind, withWorkers: true, pki: { createCa: true } });
    [hotline, admin] = [await t.login('hotline'), await t.login('admin')];
    // Active staff of one service, so each gets their own station (one live certificate per station CN).
    const rows = await t.database.db.select({ id: schema.employees.id }).from(schema.employees).where(eq(schema.employees.active, true)).limit(4);
    employeeIds = rows.map((row) => row.id);
    expect(employeeIds).toHaveLength(4);
  });
  afterAll(() => t?.close());

  it('queues one issuance per VPN item, says why the others cannot, and a second call issues nothing twice', async () => {
    const vpnOnly = await requestFor(employeeIds[0]!, ['vpn']);
    const withLaptop = await requestFor(employeeIds[1]!, ['vpn', 'laptop']);
    const noVpn = await requestFor(employeeIds[2]!, ['webcam']);
    const notApproved = await requestFor(employeeIds[3]!, ['vpn'], 'submitted');
    await t.call('POST', '/api/assets/import', { session: hotline, body: { csv: `type,model,serial,asset_tag,location\nlaptop,Lenovo T14,SN-BULK-${kind},PC BULK-${kind},Magazzino` } });
    const [asset] = await t.database.db.select().from(schema.assets).where(eq(schema.assets.assetTag, `PC BULK-${kind}`));
    const laptop = withLaptop.items.find((item) => item.kind === 'laptop')!;
    expect((await t.call('POST', `/api/requests/${withLaptop.id}/items/${laptop.id}/asset`, { session: hotline, body: { assetId: asset!.id } })).status).toBe(200);
    const outboxBefore = (await issuanceRows([])).outbox;

    const first = await bulk([vpnOnly.id, withLaptop.id, noVpn.id, notApproved.id, vpnOnly.id]);
    expect(first).toMatchObject({ done: 2, failed: 2 });
    const byRequest = (result: TBulkCertificatesResult, id: string) => result.results.filter((entry) => entry.requestId === id);
    expect(byRequest(first, vpnOnly.id)).toEqual([expect.objectContaining({ ok: true, replayed: false, number: vpnOnly.number, itemId: vpnOnly.items[0]!.id })]);
    expect(byRequest(first, withLaptop.id)).toHaveLength(1);
    expect(byRequest(first, noVpn.id)).toEqual([expect.objectContaining({ ok: false, itemId: null, code: 'unprocessable', reason: 'no-vpn-item', certificateId: null })]);
    expect(byRequest(first, notApproved.id)).toEqual([expect.objectContaining({ ok: false, code: 'conflict', reason: 'certificate-only-in-fulfilment', oneTimePassword: null })]);
    const issued = first.results.filter((entry) => entry.ok);
    for (const entry of issued) expect(entry.oneTimePassword).toMatch(/\S{12,}/);
    const certificateIds = issued.map((entry) => entry.certificateId!);
    expect(await issuanceRows(certificateIds)).toEqual({ outbox: outboxBefore + 2, certificates: 2, audit: 2 });

    // A double click, a retried POST, a second tab: the items' own issuance keys find the same rows.
    const [again, twice] = await Promise.all([bulk([vpnOnly.id, withLaptop.id]), bulk([withLaptop.id, vpnOnly.id])]);
    for (const answer of [again, twice]) {
      expect(answer.results.map((entry) => [entry.certificateId, entry.replayed, entry.oneTimePassword]).sort()).toEqual(certificateIds.map((id) => [id, true, null]).sort());
    }
    expect(await issuanceRows(certificateIds)).toEqual({ outbox: outboxBefore + 2, certificates: 2, audit: 2 });
    // Job payloads carry ids only: never the password, never a key.
    const payloads = await t.database.db.select({ payload: schema.outbox.payload }).from(schema.outbox).where(eq(schema.outbox.jobName, ISSUE_JOB));
    for (const { payload } of payloads) expect(Object.keys(payload as object)).toEqual(['certificateId']);

    // The real worker signs them; the items become "issued", the laptop's tag is in the station's name.
    const signed = await Promise.all(certificateIds.map((id) => waitForCertificate(t, hotline, id)));
    expect(signed.map((certificate) => certificate.state)).toEqual(['active', 'active']);
    expect(signed.find((certificate) => certificate.id === byRequest(first, withLaptop.id)[0]!.certificateId)?.assetTag).toBe(`PC BULK-${kind}`);
    const after = await detailOf(await t.call('GET', `/api/requests/${vpnOnly.id}`, { session: hotline }));
    expect(after.items[0]).toMatchObject({ status: 'issued', certificateId: byRequest(first, vpnOnly.id)[0]!.certificateId });
  });

  it('refuses roles that do not fulfil requests, empty and oversized selections', async () => {
    const request = await requestFor(employeeIds[3]!, ['vpn'], 'submitted');
    for (const username of ['dipendente', 'responsabile', 'itmanager']) {
      const res = await t.call('POST', '/api/requests/bulk-certificates', { session: await t.login(username), body: { requestIds: [request.id] } });
      expect(res.status).toBe(403);
    }
    expect((await t.call('POST', '/api/requests/bulk-certificates', { body: { requestIds: [request.id] } })).status).toBe(401);
    const empty = await t.call('POST', '/api/requests/bulk-certificates', { session: hotline, body: { requestIds: [] } });
    expect(empty.status).toBe(400);
    expect(ZError.parse(await empty.json()).error.code).toBe('validation_failed');
    const tooMany = Array.from({ length: 51 }, (_, index) => `req_${String(index).padStart(12, '0')}`);
    expect((await t.call('POST', '/api/requests/bulk-certificates', { session: hotline, body: { requestIds: tooMany } })).status).toBe(400);
    expect((await t.call('POST', '/api/requests/bulk-certificates', { session: hotline, body: { requestIds: [request.id], password: 'x' } })).status).toBe(400);
  });
});
