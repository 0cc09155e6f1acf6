import { describe, expect, it } from 'vitest';
import { buildAgreements } from './agreements.js';
import { readNotRemoteProfiles, readServicesHeadcount } from './csv.js';
import { buildEmployees, INACTIVE_COUNT } from './employees.js';
import { createRandom, toAsciiLower } from './names.js';

const build = () => buildEmployees(readServicesHeadcount(), readNotRemoteProfiles(), createRandom(42));

describe('buildEmployees', () => {
  const people = build();

  it('makes 927 people, 594 of them eligible, a few inactive (all eligible)', () => {
    expect(people).toHaveLength(927);
    expect(people.filter((p) => p.remoteEligible)).toHaveLength(594);
    const inactive = people.filter((p) => !p.active);
    expect(inactive).toHaveLength(INACTIVE_COUNT);
    expect(inactive.every((p) => p.remoteEligible && !p.isHead)).toBe(true);
  });

  it('gives unique lower-case directory ids and nome.cognome e-mails', () => {
    expect(new Set(people.map((p) => p.directoryId)).size).toBe(927);
    expect(new Set(people.map((p) => p.email)).size).toBe(927);
    for (const p of people) {
      expect(p.directoryId).toMatch(/^[a-z][a-z0-9]*$/);
      expect(p.email).toBe(`${toAsciiLower(p.firstName)}.${toAsciiLower(p.lastName)}@comune.prato.it`);
      expect(p.searchText).toBe(`${p.firstName} ${p.lastName} ${p.email} ${p.directoryId}`.toLowerCase());
    }
  });

  it('lists heads first: the Director General (no manager), then heads reporting to them', () => {
    const director = people[0]!;
    expect(director).toMatchObject({ serviceCode: 'UA', isHead: true, managerId: null, jobProfile: 'Dirigente' });
    const heads = people.filter((p) => p.isHead);
    expect(heads).toEqual(people.slice(0, 23));
    expect(heads.slice(1).every((h) => h.managerId === director.id)).toBe(true);
    const headOf = new Map(heads.map((h) => [h.serviceCode, h.id]));
    expect(people.filter((p) => !p.isHead).every((p) => p.managerId === headOf.get(p.serviceCode))).toBe(true);
  });

  it('is the same on every run (only the random ids differ)', () => {
    const strip = (list: typeof people) => list.map((p) => [p.directoryId, p.email, p.jobProfile, p.active]);
    expect(strip(build())).toEqual(strip(people));
  });
});

describe('toAsciiLower', () => {
  it('folds accents and drops apostrophes and spaces', () => {
    expect(toAsciiLower("Niccolò Dell'Innocenti De Luca")).toBe('niccolodellinnocentideluca');
    expect(toAsciiLower('Fantappiè')).toBe('fantappie');
  });
});

describe('buildAgreements', () => {
  const people = build();
  const remoteActivities = ['SD', 'PL', 'PF', 'SR', 'PE', 'PR', 'PA', 'SE', 'PD', 'UH', 'PG'].flatMap((code, s) =>
    Array.from({ length: 8 }, (_, i) => ({ id: s * 100 + i, serviceCode: code })),
  );
  const today = '2026-11-25';
  const list = buildAgreements({ employees: people, remoteActivities, random: createRandom(7), today });
  const byId = new Map(people.map((p) => [p.id, p]));

  it('gives about 40 eligible, active people one agreement each, with activities of their own service', () => {
    expect(list.length).toBeGreaterThanOrEqual(35);
    expect(list.length).toBeLessThanOrEqual(45);
    expect(new Set(list.map((a) => a.employeeId)).size).toBe(list.length);
    for (const agreement of list) {
      const person = byId.get(agreement.employeeId)!;
      expect(person.remoteEligible && person.active).toBe(true);
      expect(agreement.daysPerWeek).toBeGreaterThanOrEqual(1);
      expect(agreement.daysPerWeek).toBeLessThanOrEqual(person.isHead ? 1 : 3);
      expect(agreement.technology).toContain('vpn');
      expect(agreement.activityIds.length).toBeGreaterThanOrEqual(2);
      expect(agreement.activityIds.length).toBeLessThanOrEqual(6);
      const own = new Set(remoteActivities.filter((a) => a.serviceCode === person.serviceCode).map((a) => a.id));
      expect(agreement.activityIds.every((id) => own.has(id))).toBe(true);
    }
  });

  it('has running, expired and not-yet-started agreements; SD:1 runs with no end', () => {
    expect(list.filter((a) => a.endsOn !== null && a.endsOn < today)).toHaveLength(2);
    const later = list.filter((a) => a.startsOn > today);
    expect(later).toHaveLength(1);
    expect(later[0]!.startsOn).toBe('2026-12-21');
    expect(list.find((a) => a.key === 'SD:1')).toMatchObject({ startsOn: '2026-01-12', endsOn: null });
    expect(list.every((a) => a.startsOn.startsWith('2026-'))).toBe(true);
    expect(list.every((a) => a.endsOn === null || a.endsOn >= a.startsOn)).toBe(true);
  });
});
