/**
 * readDirectory against real slapd instances (ops/src/testing/slapd.ts) loaded with generated staff.
 *
 * The service account is given the limits a real directory would give it: `size.hard=500` with
 * `size.prtotal=unlimited` (OpenLDAP's equivalent of AD's MaxPageSize), so only a paged search can read past 500.
 * Decisions proven here:
 * - wrong base DN → DirectoryReadError 'no_such_base' (not an empty list);
 * - an identity that sees no people under a base it may read gets a SUCCESSFUL empty answer from the server: the
 *   reader ends normally with 0 entries and plan-sync refuses the run ('empty_result'), nobody disabled;
 * - size limit (paging off, or a paged total limit), a hung server and a killed server all throw, even when some
 *   records were already yielded.
 */
import { Attribute, Change, Client } from 'ldapts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateDirectory,
  SERVICE_CODES,
  type TDirectoryPerson,
} from '../../../ops/src/testing/directory-fixture.js';
import { sshaHash, startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import { parseDirectorySyncConfig, type TDirectorySyncConfigInput, type TResolvedDirectorySyncConfig } from './config.js';
import { planSync, type TCurrentEmployee } from './plan-sync.js';
import {
  buildSearchFilter,
  DirectoryReadError,
  readDirectory,
  type TDirectoryRecord,
  type TReadDirectoryOptions,
  type TReadProgress,
  type TReadSummary,
} from './read-directory.js';
import type { TDirectoryEntry } from './sanitize.js';

const startedPids: number[] = [];
async function start(options: Parameters<typeof startSlapd>[0]): Promise<TSlapd> {
  const slapd = await startSlapd(options);
  startedPids.push(slapd.pid);
  return slapd;
}

function configFor(slapd: TSlapd, over: Partial<TDirectorySyncConfigInput> = {}): TResolvedDirectorySyncConfig {
  return parseDirectorySyncConfig({
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: slapd.servicePassword,
    baseDn: slapd.peopleDn,
    profile: 'openldap',
    pageSize: 100,
    timeoutMs: 5000,
    ...over,
  });
}

async function readAll(config: TResolvedDirectorySyncConfig, options: TReadDirectoryOptions = {}) {
  const records: TDirectoryRecord[] = [];
  const reader = readDirectory(config, options);
  for (;;) {
    const next = await reader.next();
    if (next.done) return { records, summary: next.value as TReadSummary };
    records.push(next.value);
  }
}

/** Reads until the reader throws; returns the error and how many records were yielded before it. */
async function readError(config: TResolvedDirectorySyncConfig, options: TReadDirectoryOptions = {}) {
  let yielded = 0;
  try {
    for await (const record of readDirectory(config, options)) {
      void record;
      yielded += 1;
    }
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryReadError);
    return { error: error as DirectoryReadError, yielded };
  }
  throw new Error(`the read ended normally after ${yielded} records`);
}

async function asAdmin<T>(slapd: TSlapd, work: (client: Client) => Promise<T>, bindDn = slapd.adminDn): Promise<T> {
  const client = new Client({ url: slapd.url, timeout: 5000 });
  try {
    await client.bind(bindDn, slapd.adminPassword);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

/** olcLimits of the service account, changed live through cn=config. */
function setServiceLimits(slapd: TSlapd, limits: string) {
  return asAdmin(
    slapd,
    (client) =>
      client.modify(
        'olcDatabase={1}mdb,cn=config',
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'olcLimits', values: [`dn.exact="${slapd.serviceDn}" ${limits}`] }),
        }),
      ),
    'cn=config',
  );
}

const entries = (records: TDirectoryRecord[]) => records.filter((r): r is TDirectoryEntry => r.kind === 'entry');
const knownProfiles = (people: TDirectoryPerson[]) => [...new Set(people.map((p) => p.title))];

describe('directory sync configuration (checked before any network access)', () => {
  const valid = { url: 'ldaps://dc1.comune.prato.it', bindDn: 'cn=svc', bindPassword: 's3cret', baseDn: 'dc=x', profile: 'ad' };

  it('fills the profile defaults', () => {
    expect(parseDirectorySyncConfig(valid)).toMatchObject({
      filter: '(&(objectCategory=person)(objectClass=user))',
      pageSize: 500,
      attributes: { directoryId: 'sAMAccountName', lastName: 'sn', jobProfile: 'title' },
      service: { from: 'attribute', attribute: 'department' },
      disabledMarker: null,
      startTls: false,
    });
    expect(parseDirectorySyncConfig({ ...valid, profile: 'openldap' })).toMatchObject({
      filter: '(objectClass=inetOrgPerson)',
      attributes: { directoryId: 'uid' },
      service: { from: 'attribute', attribute: 'ou' },
      disabledMarker: { attribute: 'employeeType', value: 'disabled' },
    });
  });

  it.each([
    ['an empty service password (anonymous bind)', { bindPassword: '' }],
    ['a whitespace service password', { bindPassword: '   ' }],
    ['pages over 1000', { pageSize: 1001 }],
    ['a filter that does not parse', { filter: '(objectClass=user' }],
    ['a URL with a path', { url: 'ldap://host/dc=x?uid' }],
    ['an http URL', { url: 'http://host' }],
    ['an attribute name with syntax in it', { attributes: { directoryId: 'uid)(x=*' } }],
    ['a disabled marker on AD', { disabledMarker: { attribute: 'employeeType', value: 'disabled' } }],
    ['unknown keys', { sizeLimit: 10 }],
  ])('refuses %s', (_label, over) => {
    expect(() => parseDirectorySyncConfig({ ...valid, ...over })).toThrow();
  });
});

describe('readDirectory, OpenLDAP profile (1,000 people, frontend size limit 500)', () => {
  const { people, groups } = generateDirectory(1000, { seed: 7 });
  let slapd: TSlapd;

  beforeAll(async () => {
    slapd = await start({ people, groups, flavour: 'openldap', sizeLimit: 500 });
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
  });
  afterAll(() => slapd?.stop());

  it('reads everyone across several pages, beyond the 500-entry size limit', async () => {
    const progress: TReadProgress[] = [];
    const { records, summary } = await readAll(configFor(slapd), { onProgress: (p) => progress.push(p) });
    expect(records).toHaveLength(1000);
    expect(summary).toMatchObject({ mode: 'full', entriesRead: 1000, rejected: 0, pages: 10 });
    // Reported as entries arrive: counts only grow, and a page is counted once all its 100 entries were read.
    expect(progress.at(-1)?.entriesRead).toBe(1000);
    for (const [i, p] of progress.entries()) {
      expect(p.entriesRead).toBeGreaterThan(i ? progress[i - 1]!.entriesRead : 0);
      expect(p.pages * 100).toBeLessThanOrEqual(p.entriesRead);
    }
    const byId = new Map(entries(records).map((e) => [e.directoryId, e]));
    for (const person of people) {
      const entry = byId.get(person.uid)!;
      expect(entry).toMatchObject({
        dn: person.dn,
        firstName: person.givenName,
        lastName: person.sn,
        email: person.mail,
        serviceCode: person.ou,
        jobProfile: person.title,
        disabled: person.disabled,
        managerDirectoryId: person.manager ? person.manager.slice(4, 11) : null,
      });
    }
    expect(entries(records).filter((e) => e.disabled).length).toBe(people.filter((p) => p.disabled).length);
  });

  it('the same read with paging off hits the size limit: size_limit, nothing yielded', async () => {
    const { error, yielded } = await readError(configFor(slapd, { pageSize: 0 }));
    expect(error.code).toBe('size_limit');
    expect(yielded).toBe(0);
  });

  it('a paged read cut by the server total limit throws size_limit after the records it got', async () => {
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=300 time=unlimited');
    try {
      const { error, yielded } = await readError(configFor(slapd));
      expect(error.code).toBe('size_limit');
      expect(error.details.entriesRead).toBe(300);
      expect(yielded).toBe(300); // consumers saw 300 records, then the error: never "these are all the users"
    } finally {
      await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
    }
  });

  it('wrong base DN: no_such_base', async () => {
    const { error } = await readError(configFor(slapd, { baseDn: `ou=persone,${slapd.baseDn}` }));
    expect(error.code).toBe('no_such_base');
    expect(error.details.ldapCode).toBe(32);
  });

  it('wrong service password: bind_failed; closed port: unreachable', async () => {
    expect((await readError(configFor(slapd, { bindPassword: 'not-the-password' }))).error.code).toBe('bind_failed');
    const closed = configFor(slapd, { url: 'ldap://127.0.0.1:1', timeoutMs: 2000 });
    expect((await readError(closed)).error.code).toBe('unreachable');
  });

  it('an ACL-limited identity sees nothing: 0 entries, and plan-sync refuses to disable anyone', async () => {
    const blindDn = `cn=varco-blind,ou=system,${slapd.baseDn}`;
    await asAdmin(slapd, (client) =>
      client.add(blindDn, {
        objectClass: ['organizationalRole', 'simpleSecurityObject'],
        cn: 'varco-blind',
        userPassword: sshaHash('blind-password'),
      }),
    );
    const blind = { bindDn: blindDn, bindPassword: 'blind-password' };
    // The base it may read (the suffix): the server answers success with 0 entries.
    const { records, summary } = await readAll(configFor(slapd, { ...blind, baseDn: slapd.baseDn }));
    expect(records).toEqual([]);
    expect(summary.entriesRead).toBe(0);
    // The people OU itself is not disclosed to it: OpenLDAP says noSuchObject.
    expect((await readError(configFor(slapd, { ...blind }))).error.code).toBe('no_such_base');

    const current = new Map<string, TCurrentEmployee>(
      people.map((p, i) => [
        p.uid,
        {
          id: `emp_${i}`, directoryId: p.uid, directoryDn: null, firstName: p.givenName, lastName: p.sn, email: p.mail, serviceCode: p.ou,
          jobProfile: p.title, managerDirectoryId: null, active: true, manuallyDeactivated: false, source: 'directory',
        },
      ]),
    );
    const plan = planSync({
      current, mode: 'full', incoming: records, knownServiceCodes: SERVICE_CODES, knownJobProfiles: knownProfiles(people),
    });
    expect(plan.refused).toBe('empty_result');
    expect(plan.disable).toEqual([]);
  });

  it('incremental: only entries modified since the mark', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // modifyTimestamp has whole seconds; slapadd ran before this
    const since = new Date();
    const target = people[5]!;
    await asAdmin(slapd, (client) =>
      client.modify(target.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Funzionario amministrativo'] }) })),
    );
    const { records, summary } = await readAll(configFor(slapd), { incremental: { since } });
    expect(entries(records).map((e) => [e.directoryId, e.jobProfile])).toEqual([[target.uid, 'Funzionario amministrativo']]);
    expect(summary.mode).toBe('incremental');
    expect(summary.highWaterMark).toEqual({ since: expect.any(Date) });
    const mark = (summary.highWaterMark as { since: Date }).since.getTime();
    expect(mark).toBeLessThanOrEqual(Date.now() - 600_000); // start of this run − the default clock-skew margin
    const future = await readAll(configFor(slapd), { incremental: { since: new Date(Date.now() + 3_600_000) } });
    expect(future.records).toEqual([]);
  });

  it('hostile attribute values: cleaned and bounded, markup kept as text; a bad uid is an error row with its DN', async () => {
    const base = `ou=hostile,${slapd.baseDn}`;
    await asAdmin(slapd, async (client) => {
      await client.add(base, { objectClass: 'organizationalUnit', ou: 'hostile' });
      await client.add(`uid=evil,${base}`, {
        objectClass: 'inetOrgPerson', uid: 'Evil', cn: 'x',
        sn: `<script>alert(1)</script>${'x'.repeat(5000)}`,
        givenName: 'Mario\u202Eoiram\u0007\tRossi',
        mail: 'evil@example.it"><svg onload=alert(1)>',
        title: '  Istruttore\nAmministrativo  ',
        ou: 'sd',
      });
      await client.add(`uid=bad uid,${base}`, { objectClass: 'inetOrgPerson', uid: 'bad uid', cn: 'y', sn: 'y' });
    });
    const { records, summary } = await readAll(configFor(slapd, { baseDn: base }));
    expect(summary).toMatchObject({ entriesRead: 2, rejected: 1 });
    const evil = entries(records)[0]!;
    expect(evil.directoryId).toBe('evil');
    expect(evil.lastName.startsWith('<script>alert(1)</script>')).toBe(true);
    expect([...evil.lastName]).toHaveLength(100);
    expect(evil.firstName).toBe('Mariooiram Rossi');
    expect(evil.email).toBeNull();
    expect(evil.jobProfile).toBe('Istruttore Amministrativo');
    expect(evil.serviceCode).toBe('SD');
    expect(records.find((r) => r.kind === 'rejected')).toEqual({
      kind: 'rejected', dn: `uid=bad uid,${base}`, directoryId: null, reason: 'invalid_directory_id', value: 'bad uid',
    });
  });

  it('StartTLS is refused without TLS on the server side: tls, never plain text', async () => {
    expect((await readError(configFor(slapd, { startTls: true }))).error.code).toBe('tls');
  });
});

describe('readDirectory, Active Directory profile (1,000 people)', () => {
  const { people, groups } = generateDirectory(1000, { seed: 11 });
  let slapd: TSlapd;
  const adConfig = (over: Partial<TDirectorySyncConfigInput> = {}) =>
    configFor(slapd, {
      profile: 'ad',
      filter: '(objectClass=varcoAdUser)', // the test schema has no objectCategory
      service: { from: 'attribute', attribute: 'departmentNumber' },
      ...over,
    });

  beforeAll(async () => {
    slapd = await start({ people, groups, flavour: 'ad', sizeLimit: 500 });
    await setServiceLimits(slapd, 'size.soft=500 size.hard=500 size.prtotal=unlimited time=unlimited');
  });
  afterAll(() => slapd?.stop());

  it('reads sAMAccountName ids, userAccountControl disabled bit, and managers resolved through their DNs', async () => {
    const { records, summary } = await readAll(adConfig());
    expect(records).toHaveLength(1000);
    expect(summary.highWaterMark).toBeNull(); // slapd has no highestCommittedUSN in its RootDSE
    const list = entries(records);
    expect(list.map((e) => e.directoryId).sort()).toEqual(people.map((p) => p.sAMAccountName.toLowerCase()).sort());
    expect(list.filter((e) => e.disabled).length).toBe(people.filter((p) => p.disabled).length);
    // AD manager DNs are CN-based: the RDN is not the id, so the DN is kept for the planner.
    expect(list.every((e) => e.managerDirectoryId === null)).toBe(true);

    const plan = planSync({
      current: new Map(), mode: 'full', incoming: records, knownServiceCodes: SERVICE_CODES, knownJobProfiles: knownProfiles(people),
    });
    expect(plan.errors).toEqual([]);
    expect(plan.stats.unresolvedManagers).toBe(0);
    expect(plan.create).toHaveLength(people.filter((p) => !p.disabled).length);
    const samByDn = new Map(people.map((p) => [p.dn, p.sAMAccountName.toLowerCase()]));
    for (const created of plan.create) {
      const person = people.find((p) => p.sAMAccountName.toLowerCase() === created.directoryId)!;
      expect(created.fields.managerDirectoryId).toBe(person.manager ? samByDn.get(person.manager) : null);
      expect(created.fields.serviceCode).toBe(person.departmentNumber);
    }
  });

  it('service from the nearest OU of the DN with a value map; escaped DNs; missing userAccountControl is rejected', async () => {
    const base = `ou=Sistemi Informativi,${slapd.baseDn}`;
    await asAdmin(slapd, async (client) => {
      await client.add(base, { objectClass: 'organizationalUnit', ou: 'Sistemi Informativi' });
      await client.add(`cn=Rossi\\, Mario,${base}`, {
        objectClass: ['inetOrgPerson', 'varcoAdUser'], cn: 'Rossi, Mario', sn: 'Rossi', givenName: 'Mario',
        sAMAccountName: 'MRossi', userAccountControl: '512', title: 'Dirigente',
      });
      await client.add(`cn=Nouac,${base}`, {
        objectClass: ['inetOrgPerson', 'varcoAdUser'], cn: 'Nouac', sn: 'Nouac', sAMAccountName: 'nouac',
      });
    });
    const config = adConfig({ baseDn: base, service: { from: 'dn-ou' }, serviceValueMap: { 'sistemi informativi': 'SD' } });
    const { records } = await readAll(config);
    expect(records).toEqual(
      expect.arrayContaining([
        // slapd returns the comma as \2C: parsing and normaliseDn treat both escapes alike
        expect.objectContaining({ kind: 'entry', directoryId: 'mrossi', serviceCode: 'SD', dn: `cn=Rossi\\2C Mario,${base}` }),
        expect.objectContaining({ kind: 'rejected', directoryId: 'nouac', reason: 'unknown_account_state' }),
      ]),
    );
  });

  it('incremental filters: uSNChanged above the stored mark for AD, modifyTimestamp for OpenLDAP', () => {
    expect(buildSearchFilter(adConfig(), { usnAbove: '123456' }).toString()).toBe(
      '(&(objectClass=varcoAdUser)(uSNChanged>=123457))',
    );
    expect(buildSearchFilter(configFor(slapd), { since: new Date('2024-06-01T12:34:56.789Z') }).toString()).toBe(
      '(&(objectClass=inetOrgPerson)(modifyTimestamp>=20240601123456Z))',
    );
    expect(() => buildSearchFilter(adConfig(), { since: new Date() })).toThrow(TypeError);
    expect(() => buildSearchFilter(adConfig(), { usnAbove: '1)(uid=*' })).toThrow(TypeError);
  });
});

describe('readDirectory over TLS', () => {
  const { people, groups } = generateDirectory(50, { seed: 2 });
  let slapd: TSlapd;
  beforeAll(async () => {
    slapd = await start({ people, groups, flavour: 'openldap', tls: true });
  });
  afterAll(() => slapd?.stop());

  it('StartTLS and ldaps:// with the directory CA read everyone; without it: tls', async () => {
    const ldaps = slapd.ldapsUrl!.replace('127.0.0.1', 'localhost');
    expect((await readAll(configFor(slapd, { startTls: true, caFile: slapd.caFile }))).records).toHaveLength(50);
    expect((await readAll(configFor(slapd, { url: ldaps, caFile: slapd.caFile }))).records).toHaveLength(50);
    expect((await readError(configFor(slapd, { startTls: true }))).error.code).toBe('tls');
    expect((await readError(configFor(slapd, { url: ldaps }))).error.code).toBe('tls');
  });
});

describe('readDirectory when the server fails mid-search', () => {
  const { people, groups } = generateDirectory(3000, { seed: 3 });
  let slapd: TSlapd;
  beforeAll(async () => {
    slapd = await start({ people, groups, flavour: 'openldap' });
  });
  afterAll(() => slapd?.stop());

  it('a server that stops answering after the first page: time_limit within the timeout', async () => {
    const started = Date.now();
    try {
      const { error, yielded } = await readError(configFor(slapd, { timeoutMs: 1000 }), {
        onProgress: (p) => {
          if (p.pages === 1) process.kill(slapd.pid, 'SIGSTOP');
        },
      });
      expect(error.code).toBe('time_limit');
      // The client asks for page 2 as soon as page 1 is in; under load slapd may have answered it before SIGSTOP.
      expect([100, 200]).toContain(yielded);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      process.kill(slapd.pid, 'SIGCONT');
    }
  });

  it('slapd killed (SIGKILL) after the first page: connection_lost, never a quiet partial list', async () => {
    const { error, yielded } = await readError(configFor(slapd), {
      onProgress: (p) => {
        if (p.pages === 1) process.kill(slapd.pid, 'SIGKILL');
      },
    });
    expect(error.code).toBe('connection_lost');
    // As above: page 2 may already be on its way when slapd dies.
    expect([100, 200]).toContain(yielded);
    expect(error.details.entriesRead).toBe(yielded);
  });
});

describe('readDirectory streams (20,000 people)', () => {
  const { people, groups } = generateDirectory(20_000, { seed: 5 });
  let slapd: TSlapd;
  beforeAll(async () => {
    slapd = await start({ people, groups, flavour: 'openldap' });
  });
  afterAll(() => slapd?.stop());

  it('hands out records before the search ends and keeps the heap flat', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const config = configFor(slapd, { pageSize: 500 });
    let readWhenFirstRecord = -1;
    let entriesRead = 0;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakGrowth = 0;
    let count = 0;
    for await (const record of readDirectory(config, { onProgress: (p) => (entriesRead = p.entriesRead) })) {
      void record;
      if (count === 0) readWhenFirstRecord = entriesRead;
      count += 1;
      if (count % 2000 === 0) {
        gc();
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(count).toBe(20_000);
    // The first record was handed out before its page was complete, with 19,500 people or more still on the server.
    expect(readWhenFirstRecord).toBeGreaterThan(0);
    expect(readWhenFirstRecord).toBeLessThanOrEqual(500);
    // Holding 20,000 entries costs ~10 MB of heap (measured with ldapts' buffered search); streaming stays ~0.5 MB.
    expect(peakGrowth).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('cleanup', () => {
  it('leaves no slapd of this file running', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const alive = startedPids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
