/**
 * directory.sync-directory end to end: a real slapd with 1,000 generated people in the 23 services, the database
 * on PGlite and PostgreSQL, and the job handler called exactly as a worker calls it. The directory is changed with
 * ldapts as the slapd administrator between runs; the tests run in order and build on each other.
 */
import { and, count, eq, inArray } from 'drizzle-orm';
import { Attribute, Change } from 'ldapts';
import { confirmSyncRun, getSyncRun, schema, startSyncRun, type Database, type TActor } from '@varco/db';
import { openTestDatabase, testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory, type TDirectoryPerson } from '../../../../ops/src/testing/directory-fixture.js';
import { asDirectoryAdmin, replaceAttribute, seedSyncReferenceData, syncSettingsFor } from '../../../../ops/src/testing/directory-sync-fixture.js';
import { startSlapd, type TSlapd } from '../../../../ops/src/testing/slapd.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';
import { createMailer } from '../../mail/mailer.js';
import { handleSyncDirectory } from './sync-directory.handler.js';

const ADMIN: TActor = { userId: null, username: 'admin', role: 'admin', requestId: null, ip: null };
const { employees } = schema;

describe.each(testDatabaseKinds())('directory sync job on %s (1,000 people)', (kind) => {
  const { people, groups } = generateDirectory(1000, { seed: 21 });
  const enabled = people.filter((p) => !p.disabled);
  // Ordinary staff (not heads), enabled in the directory: the people the tests change.
  const staff = enabled.slice(30);
  let slapd: TSlapd;
  let database: Database;
  let settings: TDirectorySyncSettings;

  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap' });
    database = await openTestDatabase(kind);
    await seedSyncReferenceData(database.db);
    // No clock-skew margin: slapd runs on this machine, and the incremental test wants only what changed since.
    settings = syncSettingsFor(slapd, { clockSkewMarginMs: 0 });
  });
  afterAll(async () => {
    await slapd?.stop();
    await database?.close();
  });

  async function execute(runId: string, with_: TDirectorySyncSettings = settings) {
    const progress: number[] = [];
    const result = await handleSyncDirectory(
      { runId },
      { db: database.db, jobId: `test-${runId}`, attemptsMade: 0, progress: async (p) => void progress.push(p), mailer: createMailer(null), publicUrl: null, directorySync: with_ },
    );
    return { run: (await getSyncRun(database.db, { id: runId }))!, result, progress };
  }
  async function sync(params: { mode?: 'full' | 'incremental'; dryRun?: boolean } = {}) {
    const run = await startSyncRun(database.db, { mode: params.mode ?? 'full', dryRun: params.dryRun ?? false, trigger: 'manual', actor: ADMIN });
    return execute(run.id);
  }
  async function employee(uid: string) {
    const [row] = await database.db
      .select({ employee: employees, serviceCode: schema.services.code })
      .from(employees)
      .innerJoin(schema.services, eq(schema.services.id, employees.serviceId))
      .where(eq(employees.directoryId, uid));
    if (!row) return null;
    const manager = row.employee.managerId
      ? (await database.db.select({ directoryId: employees.directoryId }).from(employees).where(eq(employees.id, row.employee.managerId)))[0]
      : undefined;
    return { ...row.employee, serviceCode: row.serviceCode, managerUid: manager?.directoryId ?? null };
  }
  const activeCount = async () => (await database.db.select({ n: count() }).from(employees).where(eq(employees.active, true)))[0]!.n;
  const uidOf = (dn: string | null) => (dn ? dn.slice(4, 11) : null);
  const ldap = <T>(work: Parameters<typeof asDirectoryAdmin<T>>[1]) => asDirectoryAdmin(slapd, work);

  it('first full run creates everyone enabled, with managers, services, profiles and search text', async () => {
    const { run } = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.entriesRead).toBe(1000);
    expect(run.counts).toMatchObject({ created: enabled.length, updated: 0, disabled: 0, reenabled: 0, errors: 0, skippedDisabled: 1000 - enabled.length });
    expect(run.durationMs).toBeGreaterThan(0);
    expect(run.highWaterMark).toContain('since');
    expect(await activeCount()).toBe(enabled.length);
    for (const person of [staff[0]!, staff[1]!, enabled[3]!]) {
      const row = (await employee(person.uid))!;
      expect(row).toMatchObject({
        firstName: person.givenName, lastName: person.sn, email: person.mail, serviceCode: person.ou, jobProfile: person.title,
        managerUid: uidOf(person.manager), source: 'directory', active: true,
        searchText: `${person.givenName} ${person.sn} ${person.mail} ${person.uid}`.toLowerCase(),
      });
    }
    const audits = await database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'directory.sync'), eq(schema.auditLog.targetId, run.id)));
    expect(audits).toHaveLength(1);
  });

  it('a second run with no change changes nothing and reports progress against the first run', async () => {
    const { run, progress } = await sync();
    expect(run.counts).toMatchObject({ created: 0, updated: 0, disabled: 0, unchanged: enabled.length });
    // Estimate = the first run's 1,000. Written after the first batch (some of the 1,000), then at most every 250 ms
    // (this read is faster), then 90 % once read; nothing to apply.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress[0]).toBeLessThan(90);
    expect(progress.at(-1)).toBe(90);
    expect(progress.every((p, i) => p <= 90 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
  });

  it('applies changes to names, services, managers and job profiles (eligibility and search text follow)', async () => {
    const [renamed, moved, reassigned, retitled] = staff as [TDirectoryPerson, TDirectoryPerson, TDirectoryPerson, TDirectoryPerson];
    const target = moved.ou === 'SD' ? 'PB' : 'SD';
    await ldap(async (client) => {
      await replaceAttribute(client, renamed.dn, 'sn', ['Rossi-Bianchi']);
      await replaceAttribute(client, renamed.dn, 'givenName', ['Anna Maria']);
      await replaceAttribute(client, moved.dn, 'ou', [target]);
      await replaceAttribute(client, reassigned.dn, 'manager', [enabled[5]!.dn]);
      await replaceAttribute(client, retitled.dn, 'title', ['Educatore']);
    });
    const { run } = await sync();
    expect(run.counts).toMatchObject({ updated: 4, moved: 1, created: 0, disabled: 0 });
    expect(await employee(renamed.uid)).toMatchObject({ firstName: 'Anna Maria', lastName: 'Rossi-Bianchi', searchText: `anna maria rossi-bianchi ${renamed.mail} ${renamed.uid}` });
    expect(await employee(moved.uid)).toMatchObject({ serviceCode: target });
    expect(await employee(reassigned.uid)).toMatchObject({ managerUid: enabled[5]!.uid });
    expect(await employee(retitled.uid)).toMatchObject({ jobProfile: 'Educatore', remoteEligible: false });
  });

  it('a disabled and a deleted entry are disabled, with deprovisioning cases (VPN off at once, kit to return)', async () => {
    const [leaver, vanished] = [staff[10]!, staff[11]!];
    const [leaverRow, vanishedRow] = [(await employee(leaver.uid))!, (await employee(vanished.uid))!];
    await giveVpnAccountAndCertificate(database, leaverRow.id);
    // The leaver also has a local console account with a live session: both must end with the sync.
    await database.db.insert(schema.users).values({ id: 'usr_test0000000001', username: 'leaver-local', displayName: 'Leaver', source: 'local', passwordHash: 'x', employeeId: leaverRow.id, roles: ['employee'] });
    await database.db.insert(schema.sessions).values({ tokenHash: 'leaver-session', userId: 'usr_test0000000001', csrfToken: 'x', expiresAt: new Date(Date.now() + 3_600_000) });
    await database.db.insert(schema.assets).values({ id: 'ast_test0000000001', type: 'laptop', model: 'ThinkPad', serial: 'SN-1', assetTag: 'PO-000123', status: 'assigned', assignedEmployeeId: vanishedRow.id });
    await ldap(async (client) => {
      await replaceAttribute(client, leaver.dn, 'employeeType', ['disabled']);
      await client.del(vanished.dn);
    });
    const { run } = await sync();
    expect(run.counts).toMatchObject({ disabled: 2, deprovisioningCases: 2, created: 0 });
    expect((await employee(leaver.uid))!.active).toBe(false);
    expect((await employee(vanished.uid))!.active).toBe(false);
    const cases = await database.db.select().from(schema.deprovisioningCases).where(eq(schema.deprovisioningCases.runId, run.id));
    const byEmployee = new Map(cases.map((c) => [c.employeeId, c]));
    expect(byEmployee.get(leaverRow.id)).toMatchObject({
      // Nothing left to do by hand: the certificate was revoked and the VPN disabled in the sync's transaction.
      reason: 'disabled_in_directory', status: 'done',
      steps: { 'revoke-certificates': { status: 'done' }, 'disable-vpn': { status: 'done' }, 'return-kit': { status: 'not-needed' }, 'release-extension': { status: 'not-needed' } },
    });
    expect(byEmployee.get(vanishedRow.id)).toMatchObject({
      reason: 'vanished', status: 'open',
      steps: { 'revoke-certificates': { status: 'not-needed' }, 'disable-vpn': { status: 'not-needed' }, 'return-kit': { status: 'pending', note: 'PO-000123' } },
    });
    const [vpn] = await database.db.select().from(schema.vpnAccounts).where(eq(schema.vpnAccounts.employeeId, leaverRow.id));
    expect(vpn!.enabled).toBe(false);
    const [cert] = await database.db.select().from(schema.certificates).where(eq(schema.certificates.id, 'cert_test000000001'));
    expect(cert).toMatchObject({ status: 'revoked', revocationReason: 5 });
    expect(await database.db.select().from(schema.sessions).where(eq(schema.sessions.userId, 'usr_test0000000001'))).toEqual([]);
    const [account] = await database.db.select().from(schema.users).where(eq(schema.users.id, 'usr_test0000000001'));
    expect(account!.disabled).toBe(true);
    // One CRL publication for the whole run, not one per person.
    const publishes = await database.db.select().from(schema.outbox).where(eq(schema.outbox.jobName, 'pki.publish-crl'));
    expect(publishes).toHaveLength(1);
    const audits = await database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'directory.disable'));
    expect(audits.map((a) => a.targetId).sort()).toEqual([leaverRow.id, vanishedRow.id].sort());
  });

  it('re-enabling the account in the directory restores the employee', async () => {
    const leaver = staff[10]!;
    await ldap((client) => client.modify(leaver.dn, new Change({ operation: 'delete', modification: new Attribute({ type: 'employeeType', values: [] }) })));
    const { run } = await sync();
    expect(run.counts).toMatchObject({ reenabled: 1, disabled: 0 });
    expect((await employee(leaver.uid))!.active).toBe(true);
    expect(await database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'directory.reenable'))).toHaveLength(1);
  });

  it('a manual deactivation is not undone by the next run', async () => {
    const kept = staff[12]!;
    await database.db.update(employees).set({ active: false, manuallyDeactivated: true }).where(eq(employees.directoryId, kept.uid));
    const { run } = await sync();
    expect(run.counts).toMatchObject({ reenabled: 0, keptManuallyDeactivated: 1 });
    expect(await employee(kept.uid)).toMatchObject({ active: false, manuallyDeactivated: true });
  });

  it('more than the limit would be disabled: nothing changes until confirmed, and the confirmed run applies', async () => {
    const leavers = staff.slice(100, 160);
    await ldap(async (client) => {
      for (const person of leavers) await client.del(person.dn);
    });
    const before = await activeCount();
    const { run: held } = await sync();
    expect(held.status).toBe('awaiting_confirmation');
    expect(held.failure).toMatch(/^disable_limit: would disable 60 of \d+ active people/);
    expect(held.pendingDisables).toHaveLength(60);
    expect(held.pendingDisables![0]).toMatchObject({ directoryId: leavers[0]!.uid, name: `${leavers[0]!.givenName} ${leavers[0]!.sn}`, reason: 'vanished' });
    expect(await activeCount()).toBe(before);
    await expect(confirmSyncRun(database.db, { runId: held.id, acknowledgedDisables: 59, actor: ADMIN })).rejects.toMatchObject({ code: 'conflict' });

    // Someone else leaves between the confirmation and the re-read: not on the confirmed list → held again.
    await ldap((client) => client.del(staff[160]!.dn));
    await confirmSyncRun(database.db, { runId: held.id, acknowledgedDisables: 60, actor: ADMIN });
    const again = await execute(held.id);
    expect(again.run.status).toBe('awaiting_confirmation');
    expect(again.run.pendingDisables).toHaveLength(61);
    expect(await activeCount()).toBe(before);

    await confirmSyncRun(database.db, { runId: held.id, acknowledgedDisables: 61, actor: ADMIN });
    const applied = await execute(held.id);
    expect(applied.run.status).toBe('succeeded');
    expect(applied.run.counts).toMatchObject({ disabled: 61, deprovisioningCases: 61 });
    expect(await activeCount()).toBe(before - 61);
    expect(await execute(held.id)).toMatchObject({ result: { skipped: expect.stringContaining('succeeded') } });
  });

  it('an incremental run applies recent changes and never disables the people it did not read', async () => {
    const person = staff[20]!;
    await ldap((client) => replaceAttribute(client, person.dn, 'title', ['Funzionario informatico']));
    const before = await activeCount();
    const { run } = await sync({ mode: 'incremental' });
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    // Only entries modified since the last applied run started (whole seconds: that run's own second is re-read).
    expect(run.entriesRead).toBeLessThan(20);
    expect(run.counts).toMatchObject({ disabled: 0 });
    expect(await employee(person.uid)).toMatchObject({ jobProfile: 'Funzionario informatico', remoteEligible: true });
    expect(await activeCount()).toBe(before);
  });

  it('a dry run records what would change and changes nothing', async () => {
    const person = staff[21]!;
    await ldap((client) => replaceAttribute(client, person.dn, 'sn', ['Dryrun']));
    const { run, result } = await sync({ dryRun: true });
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(run.counts).toMatchObject({ updated: 1, disabled: 0 });
    expect(result).toMatchObject({ outcome: 'dry-run', preview: { update: [{ directoryId: person.uid, changed: ['name'] }] } });
    expect((await employee(person.uid))!.lastName).toBe(person.sn);
  });
});

async function giveVpnAccountAndCertificate(database: Database, employeeId: string) {
  const { db } = database;
  await db.insert(schema.vpnProfiles).values({ id: 'vpp_test0000000001', code: 'std', name: 'Standard', subnet: '10.8.0.0/22' });
  await db.insert(schema.vpnServers).values({ id: 'vps_test0000000001', name: 'gw1', host: 'vpn.example.it', port: 1194, protocol: 'udp', capacity: 100, profileId: 'vpp_test0000000001' });
  await db.insert(schema.vpnAccounts).values({ id: 'vpa_test0000000001', employeeId, profileId: 'vpp_test0000000001', primaryServerId: 'vps_test0000000001', tunnelAddress: '10.8.0.10' });
  const now = new Date();
  await db.insert(schema.certificateAuthorities).values({
    id: 'ca_test00000000001', name: 'Test CA', keyType: 'ec-p384', certificatePem: 'x', sealedKeyPem: 'x', subject: 'CN=Test', notBefore: now, notAfter: now,
  });
  await db.insert(schema.certificates).values({
    id: 'cert_test000000001', caId: 'ca_test00000000001', kind: 'station', flow: 'csr', status: 'issued', employeeId, commonName: 'station', validityDays: 365, issuanceKey: 'test-1',
  });
  expect(await db.select({ n: count() }).from(schema.certificates).where(inArray(schema.certificates.employeeId, [employeeId]))).toEqual([{ n: 1 }]);
}
