/**
 * `employees.directory_dn`: a directory that names managers by DN whose RDN is not the id attribute (here the id is
 * `employeeNumber`, the DNs are `uid=…`, as in AD where the DN is `CN=…` and the id `sAMAccountName`). An
 * incremental run reads only the changed entries, so a new manager outside the run is found through the DN the
 * previous runs stored — before the column existed, it stayed unresolved and the old manager was kept.
 */
import { eq } from 'drizzle-orm';
import { getSyncRun, schema, startSyncRun, type Database, type TActor } from '@varco/db';
import { openTestDatabase, testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../../../ops/src/testing/directory-fixture.js';
import { asDirectoryAdmin, replaceAttribute, seedSyncReferenceData, syncSettingsFor } from '../../../../ops/src/testing/directory-sync-fixture.js';
import { startSlapd, type TSlapd } from '../../../../ops/src/testing/slapd.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';
import { createMailer } from '../../mail/mailer.js';
import { handleSyncDirectory } from './sync-directory.handler.js';

const ADMIN: TActor = { userId: null, username: 'admin', role: 'admin', requestId: null, ip: null };
const { employees } = schema;

describe.each(testDatabaseKinds())('directory DN of employees on %s', (kind) => {
  const { people } = generateDirectory(60, { seed: 5 });
  const enabled = people.filter((p) => !p.disabled);
  let slapd: TSlapd;
  let database: Database;
  let settings: TDirectorySyncSettings;

  beforeAll(async () => {
    slapd = await startSlapd({ people, flavour: 'openldap' });
    database = await openTestDatabase(kind);
    await seedSyncReferenceData(database.db);
    settings = syncSettingsFor(slapd, { clockSkewMarginMs: 0, attributes: { directoryId: 'employeeNumber' } });
  });
  afterAll(async () => {
    await slapd?.stop();
    await database?.close();
  });

  async function sync(mode: 'full' | 'incremental') {
    const run = await startSyncRun(database.db, { mode, dryRun: false, trigger: 'manual', actor: ADMIN });
    await handleSyncDirectory(
      { runId: run.id },
      { db: database.db, jobId: `test-${run.id}`, attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null, directorySync: settings },
    );
    return (await getSyncRun(database.db, { id: run.id }))!;
  }
  async function row(employeeNumber: string) {
    const [found] = await database.db.select().from(employees).where(eq(employees.directoryId, employeeNumber));
    const [manager] = found?.managerId ? await database.db.select().from(employees).where(eq(employees.id, found.managerId)) : [];
    return { ...found!, managerNumber: manager?.directoryId ?? null };
  }

  it('a full run stores every DN; an incremental run resolves a DN-only manager outside the run through it', async () => {
    // modifyTimestamp counts whole seconds: a full run starting in the second the entries were loaded would leave a
    // mark (clockSkewMarginMs 0) that the next incremental run matches for every entry. Start in the next second.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
    const full = await sync('full');
    expect(full.counts).toMatchObject({ created: enabled.length, unresolvedManagers: 0 });
    const [worker, newBoss] = [enabled.find((p) => p.manager && enabled.some((b) => b.dn === p.manager))!, enabled[1]!];
    expect(await row(worker.employeeNumber)).toMatchObject({ directoryDn: worker.dn, managerNumber: enabled.find((b) => b.dn === worker.manager)!.employeeNumber });

    await asDirectoryAdmin(slapd, (client) => replaceAttribute(client, worker.dn, 'manager', [newBoss.dn]));
    const incremental = await sync('incremental');
    expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect(incremental.entriesRead).toBeLessThan(enabled.length);
    expect(incremental.counts).toMatchObject({ updated: 1, unresolvedManagers: 0, disabled: 0 });
    expect(await row(worker.employeeNumber)).toMatchObject({ managerNumber: newBoss.employeeNumber });
  });

  it('a renamed entry gets its new DN stored without counting as an update', async () => {
    const person = enabled[7]!;
    const renamedDn = person.dn.replace(/^uid=[^,]+/, 'uid=renamed7');
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(person.dn, 'uid=renamed7'));
    const run = await sync('full');
    expect(run.counts).toMatchObject({ updated: 0, dnRefreshed: 1, disabled: 0, created: 0 });
    expect(await row(person.employeeNumber)).toMatchObject({ directoryDn: renamedDn, active: true });
  });
});
