/**
 * The ways a directory answer can be wrong, and hostile directory text. After a good first run, every failing run
 * must end `failed` with its code and sentence, with 0 deactivations and no deprovisioning case (TRAPS.md, LDAP:
 * GLPI #984, Gitea #7949). Real slapd (service account limited like a real directory: 500 entries per search,
 * unlimited in pages), PGlite and PostgreSQL.
 */
import { count, eq } from 'drizzle-orm';
import { getSyncRun, schema, startSyncRun, type Database, type TActor } from '@varco/db';
import { openTestDatabase, testDatabaseKinds } from '@varco/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../../../ops/src/testing/directory-fixture.js';
import { startLdapProxy } from '../../../../ops/src/testing/ldap-proxy.js';
import { asDirectoryAdmin, seedSyncReferenceData, setServiceLimits, syncSettingsFor } from '../../../../ops/src/testing/directory-sync-fixture.js';
import { sshaHash, startSlapd, type TSlapd } from '../../../../ops/src/testing/slapd.js';
import type { TDirectorySyncConfigInput } from '../../directory/config.js';
import type { TDirectorySyncSettings } from '../../directory/settings.js';
import { createMailer } from '../../mail/mailer.js';
import { handleSyncDirectory } from './sync-directory.handler.js';

const ADMIN: TActor = { userId: null, username: 'admin', role: 'admin', requestId: null, ip: null };
const HOSTILE_MARKUP = '<img src=x onerror=alert(1)>';

describe.each(testDatabaseKinds())('directory sync failures on %s', (kind) => {
  const { people, groups } = generateDirectory(1000, { seed: 33 });
  const enabledCount = people.filter((p) => !p.disabled).length;
  let slapd: TSlapd;
  let database: Database;

  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap', sizeLimit: 500 });
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
    database = await openTestDatabase(kind);
    await seedSyncReferenceData(database.db);
    expect((await sync()).run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await slapd?.stop();
    await database?.close();
  });

  async function sync(over: Partial<TDirectorySyncConfigInput> = {}, settings: Partial<TDirectorySyncSettings> = {}) {
    const run = await startSyncRun(database.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: ADMIN });
    const ctx = {
      db: database.db, jobId: `test-${run.id}`, attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null,
      directorySync: syncSettingsFor(slapd, { pageSize: 100, ...over }, settings),
    };
    const result = await handleSyncDirectory({ runId: run.id }, ctx);
    return { run: (await getSyncRun(database.db, { id: run.id }))!, result };
  }

  const counts = async () => ({
    active: (await database.db.select({ n: count() }).from(schema.employees).where(eq(schema.employees.active, true)))[0]!.n,
    cases: (await database.db.select({ n: count() }).from(schema.deprovisioningCases))[0]!.n,
  });

  /** A failed run with this code, and nobody deactivated. */
  async function expectFailed(attempt: Promise<Awaited<ReturnType<typeof sync>>>, code: string) {
    const before = await counts();
    const { run, result } = await attempt;
    expect(result).toEqual({ outcome: 'failed', code });
    expect(run.status).toBe('failed');
    expect(run.failure).toMatch(new RegExp(`^${code}: .+`));
    expect(run.finishedAt).not.toBeNull();
    expect(await counts()).toEqual(before);
    return run;
  }

  it('the first run read everyone in pages, past the 500-entry limit', async () => {
    expect(await counts()).toEqual({ active: enabledCount, cases: 0 });
  });

  it('wrong base DN: no_such_base', async () => {
    await expectFailed(sync({ baseDn: `ou=persone,${slapd.baseDn}` }), 'no_such_base');
  });

  it('a bind identity that sees nothing (success, 0 entries): empty_result, nobody disabled', async () => {
    const blindDn = `cn=varco-blind,ou=system,${slapd.baseDn}`;
    await asDirectoryAdmin(slapd, (client) =>
      client.add(blindDn, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'varco-blind', userPassword: sshaHash('blind-password') }),
    );
    const run = await expectFailed(sync({ bindDn: blindDn, bindPassword: 'blind-password', baseDn: slapd.baseDn }), 'empty_result');
    expect(run.entriesRead).toBe(0);
  });

  it('a server size limit with paging off: size_limit', async () => {
    await expectFailed(sync({ pageSize: 0 }), 'size_limit');
  });

  it('runs that would change staff are refused while LDAP_SYNC_ENABLED is false', async () => {
    await expectFailed(sync({}, { enabled: false }), 'sync_disabled');
  });

  it('hostile attribute values are stored bounded, without control characters, markup kept as inert text', async () => {
    const base = slapd.peopleDn;
    await asDirectoryAdmin(slapd, async (client) => {
      await client.add(`uid=hostile1,${base}`, {
        objectClass: 'inetOrgPerson', uid: 'hostile1', cn: 'x', ou: 'SD', title: 'Istruttore informatico',
        sn: `${HOSTILE_MARKUP}${'x'.repeat(10_000)}`,
        givenName: 'Ma\u0007rio\u001b[31m\tRossi\u202E\r\nbis',
        mail: `evil@example.it"><script>alert(1)</script>`,
      });
      await client.add(`uid=hostile2,${base}`, { objectClass: 'inetOrgPerson', uid: 'hostile2', cn: 'y', sn: 'Y', ou: 'SD', title: 'T'.repeat(10_000) });
    });
    const { run } = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 1, errors: 1, disabled: 0 });
    const [stored] = await database.db.select().from(schema.employees).where(eq(schema.employees.directoryId, 'hostile1'));
    expect(stored!.lastName.startsWith(HOSTILE_MARKUP)).toBe(true);
    expect([...stored!.lastName]).toHaveLength(100);
    expect(stored!.firstName).toBe('Ma rio [31m Rossi bis');
    expect(stored!.email).toBeNull();
    for (const text of [stored!.firstName, stored!.lastName, stored!.searchText]) expect(text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    // The rejected entry is a problem row with its DN; the offending value is bounded too.
    expect(run.problems).toEqual([{ dn: `uid=hostile2,${base}`, message: `unknown_job_profile: ${'T'.repeat(120)}` }]);
  });

  it('a connection dropped mid-search (slapd killed when page 2 is asked for): connection_lost, nothing applied', async () => {
    const before = await counts();
    let killed = false;
    // The kill happens at a fixed point of the LDAP exchange (a proxy sees the request for page 2), not from a
    // progress callback: the read does not wait for those, so how far it had got by then depended on the machine.
    const proxy = await startLdapProxy(slapd.url, (searchNumber) => {
      if (searchNumber < 2) return 'forward';
      if (!killed) process.kill(slapd.pid, 'SIGKILL');
      killed = true;
      return 'cut';
    });
    try {
      // Everyone would vanish if a cut-short read were taken as complete: the run must fail instead.
      const { run, result } = await sync({ url: proxy.url });
      expect(killed).toBe(true);
      expect(result).toEqual({ outcome: 'failed', code: 'connection_lost' });
      expect(run.status).toBe('failed');
      expect(run.failure).toMatch(/^connection_lost: .+/);
      expect(run.entriesRead).toBe(100); // page 1, all of it, and nothing more
      expect(await counts()).toEqual(before);
    } finally {
      await proxy.close();
    }
  });
});
