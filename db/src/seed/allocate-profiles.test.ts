import { describe, expect, it } from 'vitest';
import { allocateProfiles, apportion, type TProfileAllocation } from './allocate-profiles.js';
import { readNotRemoteProfiles, readServicesHeadcount } from './csv.js';
import { planServiceProfiles } from './employees.js';
import { NOT_REMOTE_PREFERRED_SERVICES } from './job-profiles.js';

function sumBy(rows: readonly TProfileAllocation[], key: 'serviceCode' | 'profile'): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.count);
  return totals;
}

function allocateThePlan(): TProfileAllocation[] {
  return allocateProfiles(
    readServicesHeadcount().map((s) => ({ serviceCode: s.code, slots: s.cannotWorkRemotely })),
    readNotRemoteProfiles().map((p) => ({
      profile: p.profile,
      count: p.employees,
      preferredServices: NOT_REMOTE_PREFERRED_SERVICES[p.profile] ?? [],
    })),
  );
}

describe('allocateProfiles on the plan', () => {
  const allocation = allocateThePlan();

  it('fills every service with exactly its not-remote head count', () => {
    const perService = sumBy(allocation, 'serviceCode');
    for (const service of readServicesHeadcount()) {
      expect(perService.get(service.code) ?? 0, service.code).toBe(service.cannotWorkRemotely);
    }
  });

  it('places exactly as many people per profile as profiles-not-remote.csv says (333 in all)', () => {
    const perProfile = sumBy(allocation, 'profile');
    for (const profile of readNotRemoteProfiles()) {
      expect(perProfile.get(profile.profile), profile.profile).toBe(profile.employees);
    }
    expect([...perProfile.values()].reduce((a, b) => a + b, 0)).toBe(333);
  });

  it('puts the police in the Polizia Municipale and educators and cooks in Pubblica Istruzione', () => {
    const of = (serviceCode: string) =>
      Object.fromEntries(allocation.filter((r) => r.serviceCode === serviceCode).map((r) => [r.profile, r.count]));
    expect(of('CP')).toEqual({
      'Agente Polizia Municipale': 143,
      'Ispettore Polizia Municipale': 12,
      'Ausiliare del traffico': 9,
    });
    expect(of('PB')).toMatchObject({ Educatore: 110, Cuoco: 14 });
    expect(Object.values(of('PB')).reduce((a, b) => a + b, 0)).toBe(126);
  });

  it('is deterministic and never emits empty rows', () => {
    expect(allocateThePlan()).toEqual(allocation);
    expect(allocation.every((row) => row.count > 0)).toBe(true);
  });
});

describe('allocateProfiles', () => {
  it('fills preferred services first, then the largest profile goes where most slots are free', () => {
    const rows = allocateProfiles(
      [
        { serviceCode: 'AA', slots: 3 },
        { serviceCode: 'BB', slots: 5 },
        { serviceCode: 'CC', slots: 2 },
      ],
      [
        { profile: 'small', count: 2 },
        { profile: 'big', count: 6 },
        { profile: 'picky', count: 2, preferredServices: ['CC'] },
      ],
    );
    expect(rows).toEqual([
      { serviceCode: 'AA', profile: 'big', count: 1 },
      { serviceCode: 'AA', profile: 'small', count: 2 },
      { serviceCode: 'BB', profile: 'big', count: 5 },
      { serviceCode: 'CC', profile: 'picky', count: 2 },
    ]);
  });

  it('refuses totals that do not match, negative counts and unknown preferred services', () => {
    expect(() => allocateProfiles([{ serviceCode: 'AA', slots: 2 }], [{ profile: 'p', count: 3 }])).toThrow(
      /3 people for 2 slots/,
    );
    expect(() =>
      allocateProfiles(
        [{ serviceCode: 'AA', slots: -1 }, { serviceCode: 'BB', slots: 2 }],
        [{ profile: 'p', count: 1 }],
      ),
    ).toThrow(/whole numbers/);
    expect(() =>
      allocateProfiles([{ serviceCode: 'AA', slots: 1 }], [{ profile: 'p', count: 1, preferredServices: ['ZZ'] }]),
    ).toThrow(/unknown preferred service ZZ/);
  });

  it('handles nothing to allocate', () => {
    expect(allocateProfiles([{ serviceCode: 'AA', slots: 0 }], [])).toEqual([]);
  });
});

describe('apportion', () => {
  it('splits in proportion and always adds up to the total', () => {
    expect(apportion(5, [3, 1, 1])).toEqual([3, 1, 1]);
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(0, [2, 3])).toEqual([0, 0]);
    for (let total = 0; total < 60; total++) {
      expect(apportion(total, [6, 1, 1, 3]).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('refuses weights that add up to nothing', () => {
    expect(() => apportion(3, [0, 0])).toThrow(/more than 0/);
  });
});

describe('planServiceProfiles', () => {
  const services = readServicesHeadcount();
  const plan = planServiceProfiles(services, readNotRemoteProfiles());

  it('matches services-headcount.csv per service: total, remote-allowed and not', () => {
    for (const service of services) {
      const slots = plan.get(service.code)!;
      expect(slots.length, service.code).toBe(service.employees);
      expect(slots.filter((s) => s.remoteAllowed).length, service.code).toBe(service.canWorkRemotely);
    }
  });

  it('starts every service with one remote-allowed Dirigente, and has no other', () => {
    for (const [code, slots] of plan) {
      expect(slots[0], code).toEqual({ profile: 'Dirigente', remoteAllowed: true });
      expect(slots.filter((s) => s.profile === 'Dirigente').length, code).toBe(1);
    }
  });

  it('fits remote-allowed profiles to the service', () => {
    const has = (code: string, profile: string) => plan.get(code)!.some((s) => s.profile === profile);
    expect(has('UL', 'Avvocato')).toBe(true);
    expect(has('SD', 'Istruttore informatico')).toBe(true);
    expect(has('PL', 'Assistente sociale')).toBe(true);
    expect(has('PD', 'Bibliotecario')).toBe(true);
    expect(has('UG', 'Statistico')).toBe(true);
    expect(has('CP', 'Avvocato')).toBe(false);
  });
});
