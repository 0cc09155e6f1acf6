/**
 * applySyncPlan and the run/step commands on their own (no directory): managers in any order, management cycles,
 * all-or-nothing, and the guards that make a second delivery or a double click change nothing.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, selectRows, type Database } from '../client.js';
import { newId } from '../ids.js';
import { schema } from '../index.js';
import { openTestDatabase, testDatabaseKinds } from '../testing.js';
import type { TActor } from './audit.js';
import { markDeprovisioningStep } from './deprovisioning.js';
import { applySyncPlan, BULK_LOAD_ROWS, type TSyncChanges } from './directory-sync.js';
import { DirectorySyncError, failSyncRun, startSyncRun } from './directory-sync-runs.js';

const ACTOR: TActor = { userId: null, username: 'admin', role: 'admin', requestId: null, ip: null };
const person = (directoryId: string, managerDirectoryId: string | null, serviceCode = 'SD') => ({
  directoryId,
  dn: `uid=${directoryId},ou=people,dc=comune,dc=prato,dc=it`,
  fields: { firstName: 'Ada', lastName: directoryId.toUpperCase(), email: null, serviceCode, jobProfile: 'Analista', managerDirectoryId },
});
const empty: TSyncChanges = { create: [], update: [], disable: [], reenable: [] };
const foreignKeysOf = (db: Database['db']) =>
  selectRows<{ name: string; definition: string }>(
    db,
    sql`select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint where conrelid = 'employees'::regclass and contype = 'f' order by conname`,
  );
const indexesOf = (db: Database['db']) =>
  selectRows<{ name: string; definition: string }>(
    db,
    sql`select indexname as name, indexdef as definition from pg_indexes where tablename = 'employees' order by indexname`,
  );
/** BULK_LOAD_ROWS new people under `prefix`: a tree ten wide, plus a management cycle (…1 ↔ …2). */
const bulkPlan = (prefix: string): TSyncChanges => ({
  ...empty,
  create: Array.from({ length: BULK_LOAD_ROWS }, (_, i) =>
    person(`${prefix}${i}`, i === 0 ? null : i === 1 ? `${prefix}2` : i === 2 ? `${prefix}1` : `${prefix}${Math.floor(i / 10)}`, i % 2 ? 'SD' : 'PB'),
  ),
});

describe.each(testDatabaseKinds())('directory sync commands on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.insert(schema.services).values([{ id: newId('service'), code: 'SD', name: 'Sistemi' }, { id: newId('service'), code: 'PB', name: 'Istruzione' }]);
    await database.db.insert(schema.jobProfiles).values([{ name: 'Analista', remoteAllowed: true }, { name: 'Educatore', remoteAllowed: false }]);
  });
  afterAll(() => database?.close());

  async function apply(plan: TSyncChanges) {
    const run = await startSyncRun(database.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: ACTOR });
    const report = { entriesRead: 0, startedAt: new Date(), highWaterMark: null, counts: {}, problems: [] };
    return { run, result: await applySyncPlan(database.db, { runId: run.id, plan, report, actor: ACTOR }) };
  }
  async function managersOf(ids: string[]) {
    const rows = await database.db.select({ id: schema.employees.id, directoryId: schema.employees.directoryId, managerId: schema.employees.managerId }).from(schema.employees);
    const didOf = new Map(rows.map((r) => [r.id, r.directoryId]));
    return Object.fromEntries(rows.filter((r) => ids.includes(r.directoryId)).map((r) => [r.directoryId, r.managerId ? didOf.get(r.managerId) : null]));
  }

  it('creates people whose managers come later in the plan, or form a cycle, with every manager set', async () => {
    const { result } = await apply({
      ...empty,
      create: [person('report1', 'boss'), person('report2', 'report1'), person('boss', null), person('cyc-a', 'cyc-b'), person('cyc-b', 'cyc-a'), person('hang', 'cyc-a'), person('self', 'self'), person('ghost', 'nobody')],
    });
    expect(result.counts).toMatchObject({ created: 8 });
    expect(await managersOf(['report1', 'report2', 'boss', 'cyc-a', 'cyc-b', 'hang', 'self', 'ghost'])).toEqual({
      report1: 'boss', report2: 'report1', boss: null, 'cyc-a': 'cyc-b', 'cyc-b': 'cyc-a', hang: 'cyc-a', self: 'self', ghost: null,
    });
    const [row] = await database.db.select().from(schema.employees).where(eq(schema.employees.directoryId, 'report1'));
    expect(row).toMatchObject({
      source: 'directory', active: true, remoteEligible: true, searchText: 'ada report1 report1', directoryDn: 'uid=report1,ou=people,dc=comune,dc=prato,dc=it',
    });
  });

  it('a later run attaches new reports to existing managers and moves people (profile → eligibility)', async () => {
    const [boss] = await database.db.select().from(schema.employees).where(eq(schema.employees.directoryId, 'boss'));
    const { result } = await apply({
      ...empty,
      create: [person('newbie', 'boss', 'PB')],
      update: [{ employeeId: boss!.id, directoryId: 'boss', changed: ['service', 'profile'], set: { serviceCode: 'PB', jobProfile: 'Educatore' } }],
    });
    expect(result.counts).toMatchObject({ created: 1, updated: 1, moved: 1 });
    expect(await managersOf(['newbie'])).toEqual({ newbie: 'boss' });
    const [moved] = await database.db.select().from(schema.employees).where(eq(schema.employees.id, boss!.id));
    expect(moved).toMatchObject({ jobProfile: 'Educatore', remoteEligible: false });
  });

  it('a DN-only refresh is stored but counted apart from updates; several fields change in one bulk statement', async () => {
    const rows = await database.db.select().from(schema.employees).where(inArray(schema.employees.directoryId, ['report1', 'report2']));
    const byDid = new Map(rows.map((r) => [r.directoryId, r]));
    const { result } = await apply({
      ...empty,
      update: [
        { employeeId: byDid.get('report1')!.id, directoryId: 'report1', changed: ['dn'], set: { directoryDn: 'uid=report1,ou=moved,dc=comune,dc=prato,dc=it' } },
        { employeeId: byDid.get('report2')!.id, directoryId: 'report2', changed: ['name', 'email'], set: { firstName: 'Grace', lastName: 'Hopper', email: 'gh@comune.prato.it' } },
      ],
    });
    expect(result.counts).toMatchObject({ updated: 1, dnRefreshed: 1, moved: 0 });
    const after = new Map((await database.db.select().from(schema.employees).where(inArray(schema.employees.directoryId, ['report1', 'report2']))).map((r) => [r.directoryId, r]));
    expect(after.get('report1')).toMatchObject({ directoryDn: 'uid=report1,ou=moved,dc=comune,dc=prato,dc=it', firstName: 'Ada', searchText: 'ada report1 report1' });
    expect(after.get('report2')).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'gh@comune.prato.it', searchText: 'grace hopper gh@comune.prato.it report2' });
    expect(after.get('report2')!.directoryDn).toBe(byDid.get('report2')!.directoryDn);
  });

  it('all or nothing: one bad row (unknown service) leaves the run running and the database unchanged', async () => {
    const before = await database.db.select({ id: schema.employees.id }).from(schema.employees);
    const run = await startSyncRun(database.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: ACTOR });
    const report = { entriesRead: 0, startedAt: new Date(), highWaterMark: null, counts: {}, problems: [] };
    const plan = { ...empty, create: [person('fine', null), person('broken', null, 'ZZ')] };
    await expect(applySyncPlan(database.db, { runId: run.id, plan, report, actor: ACTOR })).rejects.toBeInstanceOf(DirectorySyncError);
    expect(await database.db.select({ id: schema.employees.id }).from(schema.employees)).toHaveLength(before.length);
    // The run is still the one running: a second run is refused, and the failed run cannot be applied afterwards.
    await expect(startSyncRun(database.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: ACTOR })).rejects.toMatchObject({ code: 'conflict' });
    await failSyncRun(database.db, { runId: run.id, code: 'internal', message: 'test', entriesRead: 0, startedAt: new Date(), actor: ACTOR });
    await expect(applySyncPlan(database.db, { runId: run.id, plan: empty, report, actor: ACTOR })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a disabled person with kit gets an open case; marking the last pending step closes it, once', async () => {
    const [ghost] = await database.db.select().from(schema.employees).where(eq(schema.employees.directoryId, 'ghost'));
    await database.db.insert(schema.assets).values({ id: 'ast_cmd00000000001', type: 'headset', model: 'H', serial: 'S1', assetTag: 'PO-1', status: 'assigned', assignedEmployeeId: ghost!.id });
    const { run } = await apply({ ...empty, disable: [{ employeeId: ghost!.id, directoryId: 'ghost', reason: 'vanished' }] });
    const [opened] = await database.db.select().from(schema.deprovisioningCases).where(eq(schema.deprovisioningCases.runId, run.id));
    expect(opened).toMatchObject({ status: 'open', steps: { 'return-kit': { status: 'pending', note: 'PO-1' } } });
    await expect(markDeprovisioningStep(database.db, { caseId: opened!.id, step: 'disable-vpn', note: null, actor: ACTOR })).rejects.toMatchObject({ code: 'conflict' });
    const closed = await markDeprovisioningStep(database.db, { caseId: opened!.id, step: 'return-kit', note: 'back', actor: ACTOR });
    expect(closed).toMatchObject({ status: 'done', steps: { 'return-kit': { status: 'done', note: 'back' } } });
    expect(closed.closedAt).not.toBeNull();
    await expect(markDeprovisioningStep(database.db, { caseId: opened!.id, step: 'return-kit', note: null, actor: ACTOR })).rejects.toMatchObject({ code: 'conflict' });
    const audits = await database.db.select().from(schema.auditLog).where(inArray(schema.auditLog.action, ['directory.disable', 'deprovisioning.step']));
    expect(audits.map((a) => a.action).sort()).toEqual(['deprovisioning.step', 'directory.disable']);
  });

  it(`a load of ${BULK_LOAD_ROWS} people sets up foreign keys and indexes once and puts them back exactly as they were`, async () => {
    const before = await foreignKeysOf(database.db);
    expect(before.map((key) => key.name)).toEqual(expect.arrayContaining(['employees_manager_fk']));
    expect(before).toHaveLength(3);
    const indexesBefore = await indexesOf(database.db);
    expect(indexesBefore.map((index) => index.name)).toEqual(expect.arrayContaining(['employees_manager_idx', 'employees_directory_id_uq', 'employees_pkey']));
    const { result } = await apply(bulkPlan('bulk'));
    expect(result.counts).toMatchObject({ created: BULK_LOAD_ROWS });
    expect(await foreignKeysOf(database.db)).toEqual(before);
    expect(await indexesOf(database.db)).toEqual(indexesBefore);
    expect(await managersOf(['bulk1', 'bulk2', 'bulk25', 'bulk4999', 'bulk0'])).toEqual({ bulk1: 'bulk2', bulk2: 'bulk1', bulk25: 'bulk2', bulk4999: 'bulk499', bulk0: null });
    // The keys are enforced again.
    await expect(database.db.update(schema.employees).set({ managerId: 'employee_none' }).where(eq(schema.employees.directoryId, 'bulk7'))).rejects.toThrow();
    await expect(database.db.update(schema.employees).set({ serviceId: 'service_none' }).where(eq(schema.employees.directoryId, 'bulk7'))).rejects.toThrow();
  });
});

// A PostgreSQL role that may write the tables but does not own them cannot drop their foreign keys or indexes: the bulk load
// falls back to per-row checks (savepoint) instead of failing the run. PGlite has a single owner, nothing to test there.
if (testDatabaseKinds().includes('postgres')) {
  describe('directory sync bulk load on postgres, as a role that does not own the tables', () => {
    let owner: Database;
    let limited: Database;
    const role = `varco_rw_${Date.now().toString(36)}`;
    beforeAll(async () => {
      owner = await openTestDatabase('postgres');
      await owner.db.insert(schema.services).values([{ id: newId('service'), code: 'SD', name: 'Sistemi' }, { id: newId('service'), code: 'PB', name: 'Istruzione' }]);
      await owner.db.insert(schema.jobProfiles).values([{ name: 'Analista', remoteAllowed: true }]);
      const [{ name }] = (await selectRows<{ name: string }>(owner.db, sql`select current_database() as name`)) as [{ name: string }];
      await owner.db.execute(sql.raw(`create role ${role} login password 'rw-test'`));
      await owner.db.execute(sql.raw(`grant usage on schema public to ${role}; grant select, insert, update, delete on all tables in schema public to ${role}; grant usage on all sequences in schema public to ${role}`));
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.username = role;
      url.password = 'rw-test';
      url.pathname = `/${name}`;
      limited = await openDatabase({ url: url.toString() });
    });
    afterAll(async () => {
      await limited?.close();
      await owner?.close(); // drops the test database, and the role's grants with it
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    });

    it('applies the load with the foreign keys and indexes left in place', async () => {
      const before = await foreignKeysOf(owner.db);
      const indexesBefore = await indexesOf(owner.db);
      const run = await startSyncRun(limited.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: ACTOR });
      const report = { entriesRead: 0, startedAt: new Date(), highWaterMark: null, counts: {}, problems: [] };
      const plan = bulkPlan('rw');
      const result = await applySyncPlan(limited.db, { runId: run.id, plan: { ...plan, create: plan.create.map((c) => ({ ...c, fields: { ...c.fields, jobProfile: 'Analista' } })) }, report, actor: ACTOR });
      expect(result.counts).toMatchObject({ created: BULK_LOAD_ROWS });
      expect(await foreignKeysOf(owner.db)).toEqual(before);
      expect(await indexesOf(owner.db)).toEqual(indexesBefore);
    });
  });
}
