import { describe, expect, it } from 'vitest';
import { knownDnsOf, planSync, SyncPlanner, type TCurrentEmployee, type TSyncPlannerOptions } from './plan-sync.js';
import type { TDirectoryEntry, TDirectoryRecord, TRejectedEntry } from './sanitize.js';

const SERVICES = ['SD', 'CP', 'PB', 'UA'];
const PROFILES = ['Istruttore Amministrativo', 'Istruttore informatico', 'Dirigente', 'Educatore'];
const PEOPLE = 'ou=people,dc=comune,dc=prato,dc=it';

function entry(id: string, over: Partial<TDirectoryEntry> = {}): TDirectoryEntry {
  return {
    kind: 'entry',
    dn: `uid=${id},${PEOPLE}`,
    directoryId: id,
    firstName: `Nome ${id}`,
    lastName: `Cognome ${id}`,
    email: `${id}@comune.prato.it`,
    serviceCode: 'SD',
    jobProfile: 'Istruttore informatico',
    managerDn: null,
    managerDirectoryId: null,
    disabled: false,
    ...over,
  };
}

function employee(id: string, over: Partial<TCurrentEmployee> = {}): TCurrentEmployee {
  return {
    id: `emp_${id}`,
    directoryId: id,
    directoryDn: `uid=${id},ou=people,dc=comune,dc=prato,dc=it`,
    firstName: `Nome ${id}`,
    lastName: `Cognome ${id}`,
    email: `${id}@comune.prato.it`,
    serviceCode: 'SD',
    jobProfile: 'Istruttore informatico',
    managerDirectoryId: null,
    active: true,
    manuallyDeactivated: false,
    source: 'directory',
    ...over,
  };
}

const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(6, '0')}`);
const currentOf = (list: TCurrentEmployee[]) => new Map(list.map((e) => [e.directoryId, e]));
/** Directory entries that match `employee(id)` exactly. */
const matching = (list: string[]) => list.map((id) => entry(id));

function plan(current: TCurrentEmployee[], incoming: TDirectoryRecord[], over: Partial<TSyncPlannerOptions> = {}) {
  return planSync({
    current: currentOf(current),
    incoming,
    mode: 'full',
    knownServiceCodes: SERVICES,
    knownJobProfiles: PROFILES,
    ...over,
  });
}

describe('planSync: creates and updates', () => {
  it('first full run creates everyone, managers resolved even when they come later in the stream', () => {
    const result = plan([], [entry('a', { managerDirectoryId: 'boss' }), entry('boss', { jobProfile: 'Dirigente' })]);
    expect(result.create).toEqual([
      { directoryId: 'boss', dn: `uid=boss,${PEOPLE}`, fields: expect.objectContaining({ jobProfile: 'Dirigente', managerDirectoryId: null }) },
      { directoryId: 'a', dn: `uid=a,${PEOPLE}`, fields: expect.objectContaining({ managerDirectoryId: 'boss', serviceCode: 'SD' }) },
    ]);
    expect(result).toMatchObject({ update: [], disable: [], reenable: [], unchanged: 0, errors: [], needsConfirmation: false });
    expect(result.refused).toBeUndefined();
  });

  it('a no-change resync changes nothing', () => {
    const list = ids(100);
    const result = plan(list.map((id) => employee(id)), matching(list));
    expect(result).toMatchObject({ create: [], update: [], disable: [], reenable: [], unchanged: 100, errors: [] });
  });

  it('name and e-mail changes are updates with the previous values', () => {
    const result = plan([employee('a'), employee('b')], [entry('a', { lastName: 'Rossi' }), entry('b', { email: null })]);
    expect(result.update).toEqual([
      {
        employeeId: 'emp_a', directoryId: 'a', dn: `uid=a,${PEOPLE}`, changed: ['name'],
        set: { firstName: 'Nome a', lastName: 'Rossi' }, previous: { firstName: 'Nome a', lastName: 'Cognome a' },
      },
      {
        employeeId: 'emp_b', directoryId: 'b', dn: `uid=b,${PEOPLE}`, changed: ['email'],
        set: { email: null }, previous: { email: 'b@comune.prato.it' },
      },
    ]);
    expect(result.unchanged).toBe(0);
  });

  it('a move between services, a new profile and a new manager in one update', () => {
    const result = plan(
      [employee('a', { managerDirectoryId: 'boss1' }), employee('boss1'), employee('boss2')],
      [entry('a', { serviceCode: 'cp', jobProfile: 'istruttore amministrativo', managerDirectoryId: 'boss2' }), entry('boss1'), entry('boss2')],
    );
    expect(result.update).toEqual([
      expect.objectContaining({
        directoryId: 'a',
        changed: ['service', 'profile', 'manager'],
        set: { serviceCode: 'CP', jobProfile: 'Istruttore Amministrativo', managerDirectoryId: 'boss2' },
        previous: { serviceCode: 'SD', jobProfile: 'Istruttore informatico', managerDirectoryId: 'boss1' },
      }),
    ]);
    expect(result.unchanged).toBe(2);
  });

  it('AD-style managers (DN only) resolve through the DNs of the run, whatever the escaping', () => {
    const bossDn = 'CN=Rossi\\, Mario,OU=SD,DC=comune';
    const result = plan(
      [employee('worker', { managerDirectoryId: null })],
      [entry('worker', { managerDn: 'cn=rossi\\2c mario, ou=sd, dc=comune' }), entry('mrossi', { dn: bossDn })],
    );
    expect(result.update).toEqual([expect.objectContaining({ directoryId: 'worker', changed: ['manager'], set: { managerDirectoryId: 'mrossi' } })]);
    expect(result.stats.unresolvedManagers).toBe(0);
  });

  it('incremental runs resolve DN-only managers through knownDns', () => {
    const result = plan([employee('worker'), employee('boss')], [entry('worker', { managerDn: 'CN=Boss,OU=SD' })], {
      mode: 'incremental',
      knownDns: new Map([['cn=boss,ou=sd', 'boss']]),
    });
    expect(result.update).toEqual([expect.objectContaining({ changed: ['manager'], set: { managerDirectoryId: 'boss' } })]);
  });

  it('incremental runs find a DN-only manager outside the run through the stored directory DN (knownDnsOf)', () => {
    const current = [employee('worker'), employee('mrossi', { directoryDn: 'CN=Rossi\\, Mario,OU=SD,DC=comune' }), employee('old', { directoryDn: null })];
    const knownDns = knownDnsOf(currentOf(current));
    expect([...knownDns.values()].sort()).toEqual(['mrossi', 'worker']);
    const result = plan(current, [entry('worker', { managerDn: 'cn=rossi\\2c mario, ou=sd, dc=comune' })], { mode: 'incremental', knownDns });
    expect(result.update).toEqual([expect.objectContaining({ directoryId: 'worker', changed: ['manager'], set: { managerDirectoryId: 'mrossi' } })]);
    expect(result.stats.unresolvedManagers).toBe(0);
  });

  it('a new or missing stored DN is refreshed, counted as unchanged when nothing else changed', () => {
    const result = plan(
      [employee('moved'), employee('never', { directoryDn: null }), employee('renamed', { directoryDn: null })],
      [entry('moved', { dn: `uid=moved,ou=elsewhere,${PEOPLE}` }), entry('never'), entry('renamed', { lastName: 'Nuovo' })],
    );
    expect(result.update.map((u) => [u.directoryId, u.changed])).toEqual([['moved', ['dn']], ['never', ['dn']], ['renamed', ['name', 'dn']]]);
    expect(result.update[0]!.set).toEqual({ directoryDn: `uid=moved,ou=elsewhere,${PEOPLE}` });
    expect(result.unchanged).toBe(2);
  });

  it('an unresolvable manager keeps the current one; a new employee gets none; nobody manages themself', () => {
    const result = plan(
      [employee('a', { managerDirectoryId: 'boss' }), employee('boss')],
      [
        entry('a', { managerDirectoryId: 'ghost' }),
        entry('b', { managerDn: 'cn=nobody,ou=x' }),
        entry('boss', { managerDirectoryId: 'boss' }),
      ],
    );
    expect(result.update).toEqual([]);
    expect(result.create).toEqual([expect.objectContaining({ directoryId: 'b', fields: expect.objectContaining({ managerDirectoryId: null }) })]);
    expect(result.unchanged).toBe(2);
    expect(result.stats.unresolvedManagers).toBe(2);
  });

  it('a manager who is disabled in the directory and not in Varco is not referenced', () => {
    const result = plan([], [entry('a', { managerDirectoryId: 'gone' }), entry('gone', { disabled: true })]);
    expect(result.create).toEqual([expect.objectContaining({ directoryId: 'a', fields: expect.objectContaining({ managerDirectoryId: null }) })]);
    expect(result.stats).toMatchObject({ skippedDisabled: 1, unresolvedManagers: 1 });
  });

  it('a seed or manual employee found in the directory is adopted (source → directory)', () => {
    const result = plan([employee('a', { source: 'seed' }), employee('b', { source: 'manual' })], matching(['a', 'b']));
    expect(result.update.map((u) => [u.directoryId, u.changed, u.set])).toEqual([
      ['a', ['source'], { source: 'directory' }],
      ['b', ['source'], { source: 'directory' }],
    ]);
  });

  it('uses the fallback job profile only when the title is missing', () => {
    const result = plan([], [entry('a', { jobProfile: null }), entry('b', { jobProfile: 'Astronauta' })], {
      fallbackJobProfile: 'Istruttore Amministrativo',
    });
    expect(result.create.map((c) => [c.directoryId, c.fields.jobProfile])).toEqual([['a', 'Istruttore Amministrativo']]);
    expect(result.errors).toEqual([{ dn: `uid=b,${PEOPLE}`, directoryId: 'b', reason: 'unknown_job_profile', value: 'Astronauta' }]);
  });
});

describe('planSync: errors never crash and never disable', () => {
  it('unknown service codes and job profiles are per-entry errors; the person is not treated as vanished', () => {
    const result = plan(
      [employee('a'), employee('b')],
      [entry('a', { serviceCode: 'ZZ' }), entry('b', { jobProfile: null }), entry('c', { serviceCode: null })],
    );
    expect(result.errors).toEqual([
      { dn: `uid=a,${PEOPLE}`, directoryId: 'a', reason: 'unknown_service', value: 'ZZ' },
      { dn: `uid=b,${PEOPLE}`, directoryId: 'b', reason: 'unknown_job_profile' },
      { dn: `uid=c,${PEOPLE}`, directoryId: 'c', reason: 'unknown_service' },
    ]);
    expect(result).toMatchObject({ create: [], update: [], disable: [], unchanged: 0 });
  });

  it('rejected entries are error rows; when their id is known the employee is not treated as vanished', () => {
    const rejected: TRejectedEntry[] = [
      { kind: 'rejected', dn: 'uid=bad uid,ou=people', directoryId: null, reason: 'invalid_directory_id', value: 'bad uid' },
      { kind: 'rejected', dn: `uid=a,${PEOPLE}`, directoryId: 'a', reason: 'unknown_account_state' },
    ];
    const result = plan([employee('a'), employee('b')], [...rejected, entry('b')]);
    expect(result.errors).toEqual([
      { dn: 'uid=bad uid,ou=people', directoryId: null, reason: 'invalid_directory_id', value: 'bad uid' },
      { dn: `uid=a,${PEOPLE}`, directoryId: 'a', reason: 'unknown_account_state' },
    ]);
    expect(result.disable).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it('a duplicate directory id is an error; the first entry wins', () => {
    const result = plan([], [entry('a'), entry('a', { dn: 'uid=a,ou=other', lastName: 'Altro' })]);
    expect(result.create).toEqual([expect.objectContaining({ directoryId: 'a', dn: `uid=a,${PEOPLE}` })]);
    expect(result.errors).toEqual([{ dn: 'uid=a,ou=other', directoryId: 'a', reason: 'duplicate_directory_id' }]);
  });
});

describe('planSync: disables and re-enables', () => {
  it('full run: active employees missing from the directory are disabled as vanished', () => {
    const result = plan([employee('a'), employee('b'), employee('gone')], matching(['a', 'b']));
    expect(result.disable).toEqual([{ employeeId: 'emp_gone', directoryId: 'gone', reason: 'vanished', dn: null }]);
  });

  it('incremental run: absence means unchanged, never a disable', () => {
    const result = plan([employee('a'), employee('b'), employee('c')], [entry('a', { lastName: 'Nuovo' })], { mode: 'incremental' });
    expect(result.disable).toEqual([]);
    expect(result.update).toHaveLength(1);
    expect(result.refused).toBeUndefined();
  });

  it('incremental run with no entries is a normal, empty plan', () => {
    const result = plan([employee('a')], [], { mode: 'incremental' });
    expect(result).toMatchObject({ create: [], update: [], disable: [], unchanged: 0, needsConfirmation: false });
    expect(result.refused).toBeUndefined();
  });

  it('manual employees are never disabled by a full run; inactive ones are not disabled again', () => {
    const result = plan(
      [employee('a'), employee('contractor', { source: 'manual' }), employee('old', { active: false })],
      matching(['a']),
    );
    expect(result.disable).toEqual([]);
  });

  it('disabled in the directory: active employees are disabled (even with a stale service), new ones are not created', () => {
    const result = plan(
      [employee('a'), employee('b', { active: false })],
      [entry('a', { disabled: true, serviceCode: 'OU-DISABILITATI', lastName: 'Cambiato' }), entry('b', { disabled: true }), entry('new', { disabled: true })],
    );
    expect(result.disable).toEqual([{ employeeId: 'emp_a', directoryId: 'a', reason: 'disabled_in_directory', dn: `uid=a,${PEOPLE}` }]);
    expect(result).toMatchObject({ create: [], update: [], errors: [], unchanged: 1 });
    expect(result.stats.skippedDisabled).toBe(1);
  });

  it('an inactive employee enabled again in the directory is re-enabled (and updated)', () => {
    const result = plan([employee('a', { active: false })], [entry('a', { serviceCode: 'PB' })]);
    expect(result.reenable).toEqual([{ employeeId: 'emp_a', directoryId: 'a', dn: `uid=a,${PEOPLE}` }]);
    expect(result.update).toEqual([expect.objectContaining({ changed: ['service'] })]);
  });

  it('a manually deactivated employee is never re-enabled, even when the directory says active', () => {
    const result = plan(
      [employee('a', { active: false, manuallyDeactivated: true }), employee('b', { active: false, manuallyDeactivated: true })],
      [entry('a'), entry('b', { lastName: 'Nuovo' })],
    );
    expect(result.reenable).toEqual([]);
    expect(result.update).toEqual([expect.objectContaining({ directoryId: 'b', changed: ['name'] })]);
    expect(result.unchanged).toBe(1);
    expect(result.stats.keptManuallyDeactivated).toBe(2);
  });
});

describe('planSync: empty results', () => {
  it('a full run with 0 entries is refused and disables nobody', () => {
    const result = plan(ids(500).map((id) => employee(id)), []);
    expect(result).toMatchObject({ refused: 'empty_result', create: [], update: [], disable: [], reenable: [], needsConfirmation: false });
  });

  it('a full run whose entries all lack a usable id is refused too, with the errors kept', () => {
    const rejected: TRejectedEntry = { kind: 'rejected', dn: 'cn=x', directoryId: null, reason: 'invalid_directory_id' };
    const result = plan([employee('a')], [rejected, { ...rejected, dn: 'cn=y' }]);
    expect(result.refused).toBe('empty_result');
    expect(result.disable).toEqual([]);
    expect(result.errors).toHaveLength(2);
  });
});

describe('planSync: confirmation thresholds (5 % of active staff or 50 people)', () => {
  /** `active` employees of whom `vanishing` are missing from a full run. */
  function vanishing(active: number, gone: number, limits?: TSyncPlannerOptions['limits']) {
    const list = ids(active);
    const present = list.slice(gone);
    return plan(
      [...list.map((id) => employee(id)), ...ids(10, 'x').map((id) => employee(id, { active: false }))],
      matching(present),
      limits ? { limits } : {},
    );
  }

  it('percent: exactly 5 % passes, one more needs confirmation', () => {
    expect(vanishing(400, 20)).toMatchObject({ needsConfirmation: false, stats: { activeBefore: 400 } });
    expect(vanishing(400, 20).disable).toHaveLength(20);
    expect(vanishing(400, 21).needsConfirmation).toBe(true);
  });

  it('count: exactly 50 passes, 51 needs confirmation, even far below 5 %', () => {
    expect(vanishing(10_000, 50).needsConfirmation).toBe(false);
    expect(vanishing(10_000, 51).needsConfirmation).toBe(true);
  });

  it('disabled-in-directory people count towards the limit like vanished ones', () => {
    const list = ids(400);
    const incoming = list.map((id, i) => entry(id, { disabled: i < 21 }));
    expect(plan(list.map((id) => employee(id)), incoming).needsConfirmation).toBe(true);
    expect(plan(list.map((id) => employee(id)), incoming.slice(1)).disable).toHaveLength(21); // 20 flagged + 1 vanished
  });

  it('the plan still lists every disable for the admin to review, and the limits are configurable', () => {
    const result = vanishing(1000, 60, { maxDisableCount: 100, maxDisablePercent: 10 });
    expect(result.needsConfirmation).toBe(false);
    expect(vanishing(1000, 60).disable).toHaveLength(60);
  });
});

describe('SyncPlanner', () => {
  it('streams 100,000 entries: a no-change resync is all unchanged', () => {
    const list = ids(100_000);
    const planner = new SyncPlanner({
      current: currentOf(list.map((id, i) => employee(id, { managerDirectoryId: i ? list[0]! : null }))),
      mode: 'full',
      knownServiceCodes: SERVICES,
      knownJobProfiles: PROFILES,
    });
    for (let i = 0; i < list.length; i++) planner.add(entry(list[i]!, { managerDirectoryId: i ? list[0]! : null }));
    const result = planner.finish();
    expect(result).toMatchObject({ unchanged: 100_000, create: [], update: [], disable: [], errors: [] });
  });

  it('refuses add() after finish() and a second finish()', () => {
    const planner = new SyncPlanner({ current: new Map(), mode: 'full', knownServiceCodes: SERVICES, knownJobProfiles: PROFILES });
    planner.add(entry('a'));
    planner.finish();
    expect(() => planner.add(entry('b'))).toThrow();
    expect(() => planner.finish()).toThrow();
  });
});
