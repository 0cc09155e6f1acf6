/**
 * Directory sync through the API with real workers, Redis and slapd (1,000 generated people + one hostile entry):
 * settings without the password, test connection, dry run, sync now, one run at a time, the confirmation screen's
 * action (confirm or discard), leavers' checklists, hostile text carried as plain JSON text, and a failure as the console sees it.
 */
import { count, eq, inArray } from 'drizzle-orm';
import { relayOutboxOnce } from '@varco/workers';
import { schema } from '@varco/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../../ops/src/testing/directory-fixture.js';
import { asDirectoryAdmin, seedSyncReferenceData, syncSettingsFor } from '../../../ops/src/testing/directory-sync-fixture.js';
import { startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import type { TDeprovisioningCase, TSyncRunDetail } from '../contract/directory.js';
import { startTestApp, type TTestApp, type TTestSession } from '../testing.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('directory sync API', () => {
  const { people, groups } = generateDirectory(1000, { seed: 44 });
  const staff = people.filter((p) => !p.disabled).slice(30);
  let slapd: TSlapd;
  let t: TTestApp;
  let admin: TTestSession;

  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap' });
    await asDirectoryAdmin(slapd, (client) =>
      client.add(`uid=hostile,${slapd.peopleDn}`, { objectClass: 'inetOrgPerson', uid: 'hostile', cn: 'h', sn: `${HOSTILE}\u0007${'x'.repeat(10_000)}`, givenName: 'Zed', ou: 'SD', title: 'Istruttore informatico' }),
    );
    t = await startTestApp({ kind: 'pglite', withWorkers: true, config: { directorySync: syncSettingsFor(slapd) } });
    await seedSyncReferenceData(t.database.db);
    // The demo staff stand for people typed in by hand: the generated directory adds people, it does not replace them.
    await t.database.db.update(schema.employees).set({ source: 'manual' });
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  const post = (path: string, body: unknown, session: TTestSession = admin) => t.call('POST', path, { session, body });
  const get = (path: string, session: TTestSession = admin) => t.call('GET', path, { session });

  /** Relays the outbox to the real workers and polls the run until it is no longer running. */
  async function finish(runId: string): Promise<TSyncRunDetail> {
    for (let i = 0; i < 300; i++) {
      await relayOutboxOnce(t.database.db, t.producer, { limit: 10 });
      const run = (await (await get(`/api/directory/runs/${runId}`)).json()) as TSyncRunDetail;
      if (run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} did not finish`);
  }
  async function start(body: { mode: 'full' | 'incremental'; dryRun: boolean }) {
    const res = await post('/api/directory/runs', body);
    expect(res.status).toBe(202);
    return (await res.json()) as TSyncRunDetail;
  }
  const employeeCount = async () => (await t.database.db.select({ n: count() }).from(schema.employees).where(eq(schema.employees.active, true)))[0]!.n;

  it('settings show the configuration and never the password', async () => {
    const res = await get('/api/directory/settings');
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(slapd.servicePassword);
    expect(JSON.parse(text)).toMatchObject({ configured: true, enabled: true, directory: { bindDn: slapd.serviceDn, baseDn: slapd.peopleDn, pageSize: 200, limits: { maxDisableCount: 50 } } });
  });

  it('test connection binds and reads a first page', async () => {
    expect(await (await post('/api/directory/test-connection', {})).json()).toEqual({ ok: true, code: null, message: null, sampleEntries: 50 });
  });

  it('a dry run shows what would change and changes nothing', async () => {
    const before = await employeeCount();
    const run = await finish((await start({ mode: 'full', dryRun: true })).id);
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, failure: null, canConfirm: false });
    expect(run.counts.created).toBe(staff.length + 30 + 1);
    expect(run.preview!.create).toHaveLength(100);
    expect(await employeeCount()).toBe(before);
  });

  it('sync now creates the staff; a second start while one runs is 409; the history lists both, newest first', async () => {
    const first = await start({ mode: 'full', dryRun: false });
    expect(first.status).toBe('running');
    const second = await post('/api/directory/runs', { mode: 'full', dryRun: false });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'conflict' } });
    const done = await finish(first.id);
    expect(done).toMatchObject({ status: 'succeeded', counts: { created: staff.length + 31, disabled: 0 } });
    const history = (await (await get('/api/directory/runs?pageSize=10')).json()) as { items: { id: string }[]; total: number };
    expect(history.total).toBe(2);
    expect(history.items[0]!.id).toBe(first.id);
  });

  it('hostile directory text reaches the console as plain JSON text, bounded, without control characters', async () => {
    const res = await get('/api/employees?q=zed');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const { items } = (await res.json()) as { items: { displayName: string; directoryId: string }[] };
    const hostile = items.find((item) => item.directoryId === 'hostile')!;
    expect(hostile.displayName.startsWith(`Zed ${HOSTILE}`)).toBe(true);
    expect(hostile.displayName).not.toMatch(/\p{Cc}/u);
    expect(hostile.displayName.length).toBeLessThanOrEqual(4 + 100);
  });

  it('above the limit the run waits; confirming with the listed number applies it; leavers get checklists', async () => {
    const leavers = staff.slice(0, 60);
    const ids = (await t.database.db.select({ id: schema.employees.id, uid: schema.employees.directoryId }).from(schema.employees).where(inArray(schema.employees.directoryId, leavers.map((p) => p.uid))));
    const withKit = ids.find((row) => row.uid === leavers[0]!.uid)!.id;
    await t.database.db.insert(schema.assets).values({ id: 'ast_api00000000001', type: 'laptop', model: 'Latitude', serial: 'SN-9', assetTag: 'PO-000999', status: 'assigned', assignedEmployeeId: withKit });
    await asDirectoryAdmin(slapd, async (client) => {
      for (const person of leavers) await client.del(person.dn);
    });
    const before = await employeeCount();
    const held = await finish((await start({ mode: 'full', dryRun: false })).id);
    expect(held).toMatchObject({ status: 'awaiting_confirmation', canConfirm: true, failure: { code: 'disable_limit' } });
    expect(held.disables).toMatchObject({ listed: 60, total: 60, page: 1, pageSize: 100, byReason: { vanished: 60 } });
    expect(held.disables!.items.map((p) => p.directoryId).sort()).toEqual(leavers.map((p) => p.uid).sort());
    expect(await employeeCount()).toBe(before);
    // The list is searched (name or id, any case) and paged by the API; the whole list's counts stay.
    const one = leavers[7]!;
    const searched = (await (await get(`/api/directory/runs/${held.id}?disablesSearch=${one.uid.toUpperCase()}`)).json()) as TSyncRunDetail;
    expect(searched.disables).toMatchObject({ total: 1, listed: 60, byReason: { vanished: 60 }, items: [{ directoryId: one.uid, name: `${one.givenName} ${one.sn}` }] });
    const byName = (await (await get(`/api/directory/runs/${held.id}?disablesSearch=${encodeURIComponent(one.sn.toLowerCase())}`)).json()) as TSyncRunDetail;
    expect(byName.disables!.items.map((p) => p.directoryId)).toContain(one.uid);
    const beyond = (await (await get(`/api/directory/runs/${held.id}?disablesPage=2`)).json()) as TSyncRunDetail;
    expect(beyond.disables).toMatchObject({ items: [], page: 2, total: 60, listed: 60 });
    expect((await get(`/api/directory/runs/${held.id}?disablesPage=0`)).status).toBe(400);
    expect((await get(`/api/directory/runs/${held.id}?disablesSearch=${'x'.repeat(101)}`)).status).toBe(400);

    const path = `/api/directory/runs/${held.id}/confirm`;
    expect((await post(path, { acknowledgedDisables: 59 })).status).toBe(409);
    expect((await post(path, { acknowledgedDisables: 60 }, await t.login('hotline'))).status).toBe(403);
    expect((await post(path, { acknowledgedDisables: 60 })).status).toBe(202);
    expect(await finish(held.id)).toMatchObject({ status: 'succeeded', counts: { disabled: 60, deprovisioningCases: 60 } });
    expect(await employeeCount()).toBe(before - 60);
    const [confirmed] = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'directory.sync-confirmed'));
    expect(confirmed).toMatchObject({ actorUsername: 'admin', targetId: held.id });

    const hotline = await t.login('hotline');
    const open = (await (await get('/api/deprovisioning', hotline)).json()) as { items: TDeprovisioningCase[]; total: number };
    expect(open.total).toBe(1); // the others had nothing left to do
    const kitCase = open.items[0]!;
    expect(kitCase.steps.find((s) => s.step === 'return-kit')).toMatchObject({ status: 'pending', note: 'PO-000999' });
    const all = (await (await get('/api/deprovisioning?status=all', hotline)).json()) as { total: number };
    expect(all.total).toBe(60);

    const stepPath = `/api/deprovisioning/${kitCase.id}/steps/return-kit`;
    expect((await post(stepPath, { status: 'done', note: 'Riconsegnato allo sportello' }, await t.login('itmanager'))).status).toBe(403);
    const marked = await post(stepPath, { status: 'done', note: 'Riconsegnato allo sportello' }, hotline);
    expect(marked.status).toBe(200);
    expect(await marked.json()).toMatchObject({ status: 'done', steps: expect.arrayContaining([expect.objectContaining({ step: 'return-kit', status: 'done', note: 'Riconsegnato allo sportello' })]) });
    expect((await post(stepPath, { status: 'done', note: null }, hotline)).status).toBe(409);
    const [audited] = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'deprovisioning.step'));
    expect(audited).toMatchObject({ actorUsername: 'hotline', targetId: kitCase.id });
  });

  it('a held run can be discarded instead: nobody is disabled, the run is cancelled and audited, and stays so', async () => {
    await asDirectoryAdmin(slapd, async (client) => {
      for (const person of staff.slice(60, 120)) await client.del(person.dn);
    });
    const before = await employeeCount();
    const held = await finish((await start({ mode: 'full', dryRun: false })).id);
    expect(held).toMatchObject({ status: 'awaiting_confirmation' });
    const path = `/api/directory/runs/${held.id}/cancel`;
    expect((await post(path, { reason: null }, await t.login('hotline'))).status).toBe(403);
    expect((await post(path, { reason: 'x'.repeat(501) })).status).toBe(400);
    expect((await post(path, { reason: null, status: 'succeeded' })).status).toBe(400);
    expect((await post('/api/directory/runs/run_0000000000000000/cancel', {})).status).toBe(404);
    const cancelled = await post(path, { reason: '  wrong OU in the filter  ' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: held.id, status: 'cancelled', canConfirm: false, failure: { code: 'cancelled' } });
    expect(await employeeCount()).toBe(before);
    expect((await post(path, {})).status).toBe(409);
    expect((await post(`/api/directory/runs/${held.id}/confirm`, { acknowledgedDisables: 60 })).status).toBe(409);
    const [audited] = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'directory.sync-cancelled'));
    expect(audited).toMatchObject({ actorUsername: 'admin', targetId: held.id, before: { status: 'awaiting_confirmation', pendingDisables: 60 }, after: { status: 'cancelled', reason: 'wrong OU in the filter' } });
  });

  it('a directory that stops answering: the run fails, 0 deactivations, the failure is in the run the console shows', async () => {
    await slapd.stop();
    const before = await employeeCount();
    const run = await finish((await start({ mode: 'full', dryRun: false })).id);
    expect(run).toMatchObject({ status: 'failed', failure: { code: 'unreachable' }, entriesRead: 0 });
    expect(run.failure!.message).not.toContain(slapd.servicePassword);
    expect(await employeeCount()).toBe(before);
    expect((await (await post('/api/directory/test-connection', {})).json()) as object).toMatchObject({ ok: false, code: 'unreachable' });
  });
});
