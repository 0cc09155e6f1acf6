import { and, count, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../client.js';
import { verifyPassword } from '../passwords.js';
import { activities, agreements, employees, jobProfiles, services, users } from '../schema/index.js';
import { openTestDatabase, testDatabaseKinds } from '../testing.js';
import { readActivityMap, readNotRemoteProfiles, readServicesHeadcount } from './csv.js';
import { DEMO_LOGINS, seedDemoData, type TSeedResult } from './demo.js';

// Everything below is read back from the database and compared with the CSVs read again here, not with the
// numbers seedDemoData returns.
const TODAY = '2026-11-25';
const headcount = readServicesHeadcount();
const notRemoteProfiles = readNotRemoteProfiles();

async function tableCounts(db: Db) {
  const n = async (table: typeof services | typeof employees | typeof activities | typeof agreements | typeof users) =>
    (await db.select({ n: count() }).from(table))[0]!.n;
  return {
    services: await n(services),
    employees: await n(employees),
    activities: await n(activities),
    agreements: await n(agreements),
    users: await n(users),
  };
}

async function perServiceCounts(db: Db) {
  return db
    .select({
      code: services.code,
      plannedHeadcount: services.plannedHeadcount,
      total: count(employees.id),
      eligible: sql<number>`count(*) filter (where ${employees.remoteEligible})`.mapWith(Number),
    })
    .from(services)
    .leftJoin(employees, eq(employees.serviceId, services.id))
    .groupBy(services.code, services.plannedHeadcount);
}

describe.each(testDatabaseKinds())('seedDemoData on %s', (kind) => {
  let database: Database;
  let db: Db;
  let results: TSeedResult[];
  let first: TSeedResult;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    // Two processes starting at once on an empty database (api and workers on PostgreSQL): one must seed.
    const today = new Date(`${TODAY}T09:00:00Z`);
    results = await Promise.all([seedDemoData(db, { today }), seedDemoData(db, { today })]);
    first = results.find((r) => r.seeded) ?? results[0]!;
  });
  afterAll(() => database?.close());

  it('seeds the plan: 23 services, 927 employees (594 eligible), 676 activities, ~40 agreements, 5 users', async () => {
    expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
    const counts = await tableCounts(db);
    expect(counts).toMatchObject({ services: 23, employees: 927, activities: 676, users: 6 });
    expect(counts.agreements).toBeGreaterThanOrEqual(35);
    expect(counts.agreements).toBeLessThanOrEqual(45);
    const byEligibility = await db
      .select({ eligible: employees.remoteEligible, n: count() })
      .from(employees)
      .groupBy(employees.remoteEligible);
    expect(Object.fromEntries(byEligibility.map((r) => [String(r.eligible), r.n]))).toEqual({ true: 594, false: 333 });
    expect(first.counts).toEqual({ ...counts, eligible: 594 });
  });

  it('matches services-headcount.csv per service: planned headcount, staff and eligible staff', async () => {
    const rows = await perServiceCounts(db);
    const expected = headcount.map((s) => ({
      code: s.code,
      plannedHeadcount: s.employees,
      total: s.employees,
      eligible: s.canWorkRemotely,
    }));
    expect([...rows].sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      expected.sort((a, b) => a.code.localeCompare(b.code)),
    );
  });

  it('marks exactly the 12 profiles of profiles-not-remote.csv as not remote, with their categories', async () => {
    const rows = await db.select().from(jobProfiles).where(eq(jobProfiles.remoteAllowed, false));
    expect(Object.fromEntries(rows.map((r) => [r.name, r.legalCategory]))).toEqual(
      Object.fromEntries(notRemoteProfiles.map((p) => [p.profile, p.legalCategory])),
    );
  });

  it('matches profiles-not-remote.csv per profile, and eligibility always follows the profile', async () => {
    const rows = await db
      .select({ profile: employees.jobProfile, n: count() })
      .from(employees)
      .innerJoin(jobProfiles, eq(jobProfiles.name, employees.jobProfile))
      .where(eq(jobProfiles.remoteAllowed, false))
      .groupBy(employees.jobProfile);
    expect(Object.fromEntries(rows.map((r) => [r.profile, r.n]))).toEqual(
      Object.fromEntries(notRemoteProfiles.map((p) => [p.profile, p.employees])),
    );
    const mismatched = await db
      .select({ n: count() })
      .from(employees)
      .innerJoin(jobProfiles, eq(jobProfiles.name, employees.jobProfile))
      .where(sql`${employees.remoteEligible} <> ${jobProfiles.remoteAllowed}`);
    expect(mismatched[0]!.n).toBe(0);
  });

  it('stores the activity map as the CSV has it', async () => {
    const rows = await db
      .select({ mode: activities.mode, n: count() })
      .from(activities)
      .groupBy(activities.mode);
    const expected: Record<string, number> = {};
    for (const a of readActivityMap()) expected[a.mode] = (expected[a.mode] ?? 0) + 1;
    expect(Object.fromEntries(rows.map((r) => [r.mode, r.n]))).toEqual(expected);
  });

  it('gives every service one head; heads report to the Director General, the rest to their head', async () => {
    const manager = alias(employees, 'manager');
    const rows = await db
      .select({
        serviceId: employees.serviceId,
        profile: employees.jobProfile,
        managerService: manager.serviceId,
        managerProfile: manager.jobProfile,
        managerManagerId: manager.managerId,
      })
      .from(employees)
      .leftJoin(manager, eq(manager.id, employees.managerId));
    const heads = rows.filter((r) => r.profile === 'Dirigente');
    expect(new Set(heads.map((h) => h.serviceId)).size).toBe(23);
    expect(heads).toHaveLength(23);
    expect(heads.filter((h) => h.managerService === null)).toHaveLength(1); // the Director General
    expect(heads.every((h) => h.managerService === null || h.managerManagerId === null)).toBe(true);
    const staff = rows.filter((r) => r.profile !== 'Dirigente');
    expect(staff.filter((r) => r.managerService !== r.serviceId || r.managerProfile !== 'Dirigente')).toEqual([]);
  });

  it('has unique, well-formed directory ids and e-mails, searchable text, and a few inactive people', async () => {
    const rows = await db.select().from(employees);
    expect(new Set(rows.map((r) => r.directoryId)).size).toBe(927);
    expect(new Set(rows.map((r) => r.email)).size).toBe(927);
    expect(rows.every((r) => /^[a-z0-9]+$/.test(r.directoryId))).toBe(true);
    expect(rows.every((r) => /^[a-z0-9]+\.[a-z0-9]+@comune\.prato\.it$/.test(r.email ?? ''))).toBe(true);
    const searchText = (r: (typeof rows)[number]) => `${r.firstName} ${r.lastName} ${r.email} ${r.directoryId}`;
    expect(rows.every((r) => r.searchText === searchText(r).toLowerCase())).toBe(true);
    expect(rows.every((r) => r.source === 'seed')).toBe(true);
    const inactive = rows.filter((r) => !r.active);
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.length).toBeLessThanOrEqual(10);
    expect(inactive.every((r) => r.remoteEligible)).toBe(true);
  });

  it('writes agreements only for eligible, active people, with activities of their service done remotely', async () => {
    const rows = await db
      .select({ agreement: agreements, serviceId: employees.serviceId, code: services.code, active: employees.active })
      .from(agreements)
      .innerJoin(employees, and(eq(employees.id, agreements.employeeId), eq(employees.remoteEligible, true)))
      .innerJoin(services, eq(services.id, employees.serviceId));
    const all = await db
      .select({ id: activities.id, code: activities.serviceCode, mode: activities.mode })
      .from(activities);
    const remote = new Map(all.filter((a) => a.mode === 'smart' || a.mode === 'partial').map((a) => [a.id, a.code]));
    expect(rows).toHaveLength((await tableCounts(db)).agreements);
    expect(new Set(rows.map((r) => r.code)).size).toBeGreaterThanOrEqual(5);
    for (const { agreement, code, active } of rows) {
      expect(active).toBe(true);
      expect([1, 2, 3]).toContain(agreement.daysPerWeek);
      expect(agreement.technology).toContain('vpn');
      expect(agreement.activityIds.length).toBeGreaterThanOrEqual(2);
      expect(agreement.activityIds.length).toBeLessThanOrEqual(6);
      expect(agreement.activityIds.every((id) => remote.get(id) === code)).toBe(true);
      expect(agreement.startsOn.startsWith('2026-')).toBe(true);
    }
    const dates = rows.map((r) => r.agreement);
    expect(dates.filter((a) => a.endsOn !== null && a.endsOn < TODAY).length).toBeGreaterThanOrEqual(1);
    expect(dates.filter((a) => a.startsOn > TODAY)).toHaveLength(1);
    expect(dates.some((a) => a.endsOn !== null && a.endsOn >= TODAY)).toBe(true);
  });

  it('creates the six demo accounts with the right roles, people and working passwords', async () => {
    const rows = await db.select().from(users);
    expect(rows.map((u) => u.username).sort()).toEqual(DEMO_LOGINS.map((l) => l.username).sort());
    const user = (username: string) => rows.find((u) => u.username === username)!;
    expect(user('dipendente').roles).toEqual(['employee']);
    expect(user('responsabile').roles).toEqual(['employee', 'approver']);
    expect(user('hotline').roles).toEqual(['employee', 'hotline']);
    expect(user('itmanager').roles).toEqual(['employee', 'it-manager']);
    expect(user('hr').roles).toEqual(['employee', 'hr']);
    expect(user('admin')).toMatchObject({
      roles: ['admin'],
      employeeId: null,
      displayName: 'Amministratore di sistema',
    });
    for (const login of DEMO_LOGINS) {
      const row = user(login.username);
      expect(row.source).toBe('local');
      expect(await verifyPassword(login.password, row.passwordHash!)).toBe(true);
      expect(await verifyPassword('wrong-password', row.passwordHash!)).toBe(false);
    }
  });

  it('links demo accounts to SD people (an employee with a running agreement, their head, 2 colleagues) and HR to SR', async () => {
    const linked = await db
      .select({ username: users.username, displayName: users.displayName, person: employees, code: services.code })
      .from(users)
      .innerJoin(employees, eq(employees.id, users.employeeId))
      .innerJoin(services, eq(services.id, employees.serviceId));
    const of = (username: string) => linked.find((l) => l.username === username)!;
    expect(linked.map((l) => `${l.username}:${l.code}`).sort()).toEqual(['dipendente:SD', 'hotline:SD', 'hr:SR', 'itmanager:SD', 'responsabile:SD']);
    expect(linked.every((l) => l.displayName === `${l.person.firstName} ${l.person.lastName}`)).toBe(true);
    expect(linked.every((l) => l.person.active)).toBe(true);
    const employee = of('dipendente').person;
    expect(employee.remoteEligible).toBe(true);
    expect(of('responsabile').person).toMatchObject({ id: employee.managerId, jobProfile: 'Dirigente' });
    expect(new Set(linked.map((l) => l.person.id)).size).toBe(5);
    const [agreement] = await db.select().from(agreements).where(eq(agreements.employeeId, employee.id));
    expect(agreement!.startsOn <= TODAY && (agreement!.endsOn === null || agreement!.endsOn >= TODAY)).toBe(true);
  });

  it('does nothing the second time', async () => {
    const before = await tableCounts(db);
    const second = await seedDemoData(db);
    expect(second.seeded).toBe(false);
    expect(await tableCounts(db)).toEqual(before);
  });
});
