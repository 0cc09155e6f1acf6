import { count, eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZError } from '../contract/common.js';
import { ZEmployeeDetail } from '../contract/employees.js';
import { ZMyKit, ZRequestDetail } from '../contract/requests.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';

/** Everything a refused step must leave untouched. */
async function snapshot(t: TTestApp, requestId: string) {
  const [request] = await t.database.db.select().from(schema.kitRequests).where(eq(schema.kitRequests.id, requestId));
  const [audit] = await t.database.db.select({ n: count() }).from(schema.auditLog);
  const [outbox] = await t.database.db.select({ n: count() }).from(schema.outbox);
  const [events] = await t.database.db.select({ n: count() }).from(schema.kitRequestEvents);
  return { status: request!.status, updatedAt: request!.updatedAt.getTime(), audit: audit!.n, outbox: outbox!.n, events: events!.n };
}

describe.each(testDatabaseKinds())('kit request workflow on %s', (kind) => {
  let t: TTestApp;
  let employee: TTestSession;
  let manager: TTestSession;
  let hotline: TTestSession;
  const detailOf = async (res: Response) => ZRequestDetail.parse(await res.json());
  const step = (session: TTestSession, id: string, body: Record<string, unknown>) => t.call('POST', `/api/requests/${id}/transitions`, { session, body });
  const newRequest = async (kinds: string[], session = employee, employeeId?: string) => {
    const res = await t.call('POST', '/api/requests', { session, body: { kinds, ...(employeeId ? { employeeId } : {}) } });
    expect(res.status).toBe(201);
    return detailOf(res);
  };

  beforeAll(async () => {
    t = await startTestApp({ kind });
    [employee, manager, hotline] = [await t.login('dipendente'), await t.login('responsabile'), await t.login('hotline')];
  });
  afterAll(() => t.close());

  it('walks request → approve → fulfil → install → accept, with the timeline and one notification job per step', async () => {
    const detail = ZEmployeeDetail.parse(await (await t.call('GET', `/api/employees/${employee.me.employeeId}`, { session: employee })).json());
    // A VPN item also needs its station certificate before "ready": that path, with the real worker, is in
    // pki-workflow.int.test.ts; this walk keeps to hardware.
    const kinds = (['laptop'] as const).filter((k) => detail.agreement!.technology.includes(k));
    expect(kinds).toEqual(['laptop']);
    let request = await newRequest(kinds);
    expect(request).toMatchObject({ status: 'draft', holder: 'employee', actions: ['submit', 'cancel'] });
    const outboxBefore = (await snapshot(t, request.id)).outbox;
    request = await detailOf(await step(employee, request.id, { action: 'submit' }));
    expect(request).toMatchObject({ status: 'submitted', holder: 'approver', eligibilityProblems: [] });
    request = await detailOf(await step(manager, request.id, { action: 'approve' }));
    expect(request.status).toBe('approved');
    await t.call('POST', '/api/assets/import', { session: hotline, body: { csv: `type,model,serial,asset_tag,location\nlaptop,Lenovo T14,SN-${kind}-1,TAG-${kind}-1,Magazzino` } });
    const [asset] = await t.database.db.select().from(schema.assets).where(eq(schema.assets.assetTag, `TAG-${kind}-1`));
    request = await detailOf(await step(hotline, request.id, { action: 'start-fulfilment' }));
    const laptop = request.items.find((item) => item.kind === 'laptop');
    if (laptop) {
      expect((await step(hotline, request.id, { action: 'mark-ready' })).status).toBe(409); // laptop has no asset yet
      request = await detailOf(await t.call('POST', `/api/requests/${request.id}/items/${laptop.id}/asset`, { session: hotline, body: { assetId: asset!.id } }));
      expect(request.items.find((item) => item.kind === 'laptop')?.asset?.serial).toBe(`SN-${kind}-1`);
    }
    request = await detailOf(await step(hotline, request.id, { action: 'mark-ready' }));
    expect((await step(hotline, request.id, { action: 'mark-installed' })).status).toBe(409); // checklist not done
    for (const item of request.items) {
      const ticks = Object.fromEntries(item.checklist.map((box) => [box.key, true]));
      request = await detailOf(await t.call('PUT', `/api/requests/${request.id}/items/${item.id}/checklist`, { session: hotline, body: { ticks } }));
    }
    request = await detailOf(await step(hotline, request.id, { action: 'mark-installed' }));
    expect(request.actions).toEqual([]); // the hot-line waits for the employee
    request = await detailOf(await step(employee, request.id, { action: 'accept' }));
    expect(request.status).toBe('delivered');
    expect(request.acceptance).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ kind: kinds[0] })]) });
    expect(request.events.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'submit', 'approve', 'start-fulfilment', 'mark-ready', 'mark-installed', 'accept']));
    expect((await snapshot(t, request.id)).outbox - outboxBefore).toBe(6); // one notification job per transition
    const [assigned] = await t.database.db.select().from(schema.assets).where(eq(schema.assets.assetTag, `TAG-${kind}-1`));
    if (laptop) expect(assigned).toMatchObject({ status: 'assigned', assignedEmployeeId: employee.me.employeeId });
    const kit = ZMyKit.parse(await (await t.call('GET', '/api/me/kit', { session: employee })).json());
    if (laptop) expect(kit.assets.map((a) => a.assetTag)).toContain(`TAG-${kind}-1`);
    const othersKit = ZMyKit.parse(await (await t.call('GET', '/api/me/kit', { session: manager })).json());
    expect(othersKit.assets.map((a) => a.assetTag)).not.toContain(`TAG-${kind}-1`);
  });

  it('refuses every illegal step and wrong role with a clear 4xx, changing nothing (state, audit, outbox, timeline)', async () => {
    const request = await newRequest(['webcam']);
    const draftApproval = ZError.parse(await (await step(employee, request.id, { action: 'approve' })).json()).error;
    expect(draftApproval).toMatchObject({ code: 'conflict', reason: 'illegal-transition', params: { status: 'draft', action: 'approve' } });
    const attempts: [TTestSession, Record<string, unknown>, number, string][] = [
      [employee, { action: 'approve' }, 409, 'conflict'], // draft cannot be approved
      [hotline, { action: 'accept' }, 409, 'conflict'],
      [manager, { action: 'mark-installed' }, 409, 'conflict'],
      [employee, { action: 'fly' }, 400, 'validation_failed'],
      [employee, { action: 'submit', status: 'closed' }, 400, 'validation_failed'], // mass assignment refused
    ];
    for (const [session, body, status, code] of attempts) {
      const before = await snapshot(t, request.id);
      const res = await step(session, request.id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(ZError.parse(await res.json()).error.code).toBe(code);
      expect(await snapshot(t, request.id)).toEqual(before);
    }
    await step(employee, request.id, { action: 'submit' });
    for (const [session, body, status] of [
      [hotline, { action: 'approve' }, 403],
      [employee, { action: 'approve' }, 403],
      [manager, { action: 'reject' }, 400], // a rejection needs a reason
    ] as const) {
      const before = await snapshot(t, request.id);
      expect((await step(session, request.id, body)).status).toBe(status);
      expect(await snapshot(t, request.id)).toEqual(before);
    }
    const rejected = await detailOf(await step(manager, request.id, { action: 'reject', comment: 'Webcam già assegnata' }));
    expect(rejected.events.at(-1)).toMatchObject({ action: 'reject', comment: 'Webcam già assegnata', actorName: expect.any(String) });
  });

  it('nobody approves their own request', async () => {
    const own = await newRequest(['headset'], manager);
    await step(manager, own.id, { action: 'submit' });
    const res = await step(manager, own.id, { action: 'approve' });
    expect(res.status).toBe(403);
    // The English rule for API clients, and a stable reason the console translates.
    expect(ZError.parse(await res.json()).error).toMatchObject({ message: expect.stringMatching(/own request/), reason: 'own-request', params: {} });
  });

  it('a double click on approve makes one transition and one job', async () => {
    const request = await newRequest(['vpn']); // every seeded agreement grants vpn
    await step(employee, request.id, { action: 'submit' });
    const before = await snapshot(t, request.id);
    const answers = await Promise.all([step(manager, request.id, { action: 'approve' }), step(manager, request.id, { action: 'approve' })]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    const after = await snapshot(t, request.id);
    expect(after.outbox - before.outbox).toBe(1);
    expect(after.events - before.events).toBe(1);
  });

  it('keeps other employees out: IDOR by changing ids anywhere answers 404', async () => {
    const [other] = await t.database.db
      .select({ id: schema.employees.id })
      .from(schema.employees)
      .innerJoin(schema.services, eq(schema.services.id, schema.employees.serviceId))
      .where(eq(schema.services.code, 'PL'))
      .limit(1);
    const theirs = await newRequest(['headset'], hotline, other!.id);
    expect((await t.call('GET', `/api/requests/${theirs.id}`, { session: employee })).status).toBe(404);
    expect((await step(employee, theirs.id, { action: 'cancel' })).status).toBe(404);
    expect((await t.call('POST', '/api/requests', { session: employee, body: { kinds: ['vpn'], employeeId: other!.id } })).status).toBe(403);
    const list = (await (await t.call('GET', '/api/requests?pageSize=200', { session: employee })).json()) as { items: { employee: { id: string } }[] };
    expect(list.items.every((item) => item.employee.id === employee.me.employeeId)).toBe(true);
    const bulk = (await (await t.call('POST', '/api/requests/bulk-transitions', { session: employee, body: { requestIds: [theirs.id], action: 'cancel' } })).json()) as { results: { code?: string }[] };
    expect(bulk.results[0]?.code).toBe('not_found');
  });

  it('applies eligibility over the real profiles: refused in plain words, override needs a note', async () => {
    const [agent] = await t.database.db.select({ id: schema.employees.id }).from(schema.employees).where(eq(schema.employees.remoteEligible, false)).limit(1);
    const request = await newRequest(['vpn'], hotline, agent!.id);
    const submitted = await detailOf(await step(hotline, request.id, { action: 'submit' }));
    expect(submitted.eligibilityProblems.join(' ')).toMatch(/may not work remotely/);
    const admin = await t.login('admin');
    const refused = await step(admin, request.id, { action: 'approve' });
    expect(refused.status).toBe(422);
    expect(ZError.parse(await refused.json()).error).toMatchObject({ message: expect.stringMatching(/override/), reason: 'not-eligible', params: { problems: 'profile-not-remote', profile: expect.any(String) } });
    expect(submitted.eligibilityReasons).toEqual([{ code: 'profile-not-remote', params: { profile: expect.any(String) } }]);
    const noNote = await step(admin, request.id, { action: 'approve', override: true });
    expect(noNote.status).toBe(400);
    expect(ZError.parse(await noNote.json()).error.reason).toBe('override-needs-note');
    const approved = await detailOf(await step(admin, request.id, { action: 'approve', override: true, comment: 'Deroga del Direttore per reperibilità' }));
    expect(approved).toMatchObject({ status: 'approved', eligibilityOverride: true });
    const [entry] = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'request.approve')).orderBy(schema.auditLog.id);
    expect(entry).toBeDefined();
  });

  it('imports assets all-or-nothing with a per-row report', async () => {
    const bad = await t.call('POST', '/api/assets/import', {
      session: hotline,
      body: { csv: `type,model,serial,asset_tag\nlaptop,Ok,S1-${kind},T1-${kind}\nspaceship,X,S2,T2\nlaptop,<script>,S3,T3\nlaptop,Ok,S4-${kind},T1-${kind}` },
    });
    expect(bad.status).toBe(422);
    const report = (await bad.json()) as { imported: number; problems: { line: number; message: string }[] };
    expect(report.imported).toBe(0);
    expect(report.problems.map((p) => p.line)).toEqual([3, 4, 5]);
    const [rows] = await t.database.db.select({ n: count() }).from(schema.assets).where(eq(schema.assets.assetTag, `T1-${kind}`));
    expect(rows!.n).toBe(0);
  });
});

describe('HR confirmation of VPN access (WORKFLOW_HR_CONFIRMS_VPN on)', () => {
  let t: TTestApp;
  beforeAll(async () => {
    t = await startTestApp({ kind: 'pglite', config: { hrConfirmsVpn: true } });
  });
  afterAll(() => t.close());

  it('sends a VPN request to HR after the manager; HR confirms; a request without VPN skips HR', async () => {
    const [employee, manager, hr] = [await t.login('dipendente'), await t.login('responsabile'), await t.login('hr')];
    const step = (session: TTestSession, id: string, body: Record<string, unknown>) => t.call('POST', `/api/requests/${id}/transitions`, { session, body });
    const create = async (kinds: string[]) => ZRequestDetail.parse(await (await t.call('POST', '/api/requests', { session: employee, body: { kinds } })).json());
    const vpn = await create(['vpn']);
    await step(employee, vpn.id, { action: 'submit' });
    const waiting = ZRequestDetail.parse(await (await step(manager, vpn.id, { action: 'approve' })).json());
    expect(waiting).toMatchObject({ status: 'awaiting_hr', holder: 'hr' });
    expect((await step(manager, vpn.id, { action: 'hr-confirm' })).status).toBe(403);
    const hrView = ZRequestDetail.parse(await (await t.call('GET', `/api/requests/${vpn.id}`, { session: hr })).json());
    expect(hrView.actions).toEqual(['hr-confirm', 'reject']);
    const approved = ZRequestDetail.parse(await (await step(hr, vpn.id, { action: 'hr-confirm' })).json());
    expect(approved.status).toBe('approved');
    expect(approved.events.map((e) => e.action)).toEqual(['create', 'submit', 'approve', 'hr-confirm']);
    const laptop = await create(['laptop']);
    await step(employee, laptop.id, { action: 'submit' });
    expect(ZRequestDetail.parse(await (await step(manager, laptop.id, { action: 'approve' })).json()).status).toBe('approved');
  });
});
