import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { todayInRome } from '../domain/eligibility.js';
import { newId } from '../ids.js';
import { hashPassword } from '../passwords.js';
import { activities, agreements, employees, jobProfiles, services, users } from '../schema/index.js';
import { buildAgreements, type TRemoteActivity, type TSeedAgreement } from './agreements.js';
import { readActivityMap, readNotRemoteProfiles, readServicesHeadcount, type TMappedActivity } from './csv.js';
import { buildDemoUsers, hashDemoPasswords } from './demo-users.js';
import { buildEmployees, type TSeedEmployee } from './employees.js';
import { REMOTE_PROFILES } from './job-profiles.js';
import { createRandom } from './names.js';
import { insertDemoVpn } from './vpn.js';

export { DEMO_LOGINS, DEMO_PASSWORD, type TDemoLogin, type TDemoRole } from './demo-users.js';

export interface TSeedCounts {
  services: number;
  employees: number;
  eligible: number;
  activities: number;
  agreements: number;
  users: number;
}

export interface TSeedResult {
  /** false when the database already had services: the demo is seeded once, and counts are then all 0. */
  seeded: boolean;
  /** Rows this call inserted. */
  counts: TSeedCounts;
}

export interface TSeedOptions {
  /** "Now" for the one agreement that must start in the future (tests pin it). */
  today?: Date;
}

// Fixed seeds: the same people, profiles and agreements on every machine (only the random ids differ).
const NAMES_SEED = 20_210_927;
const AGREEMENTS_SEED = 20_210_594;
/** Rows per INSERT: ~2,800 bound parameters, far below PostgreSQL's 65,535. */
const EMPLOYEE_BATCH_SIZE = 200;
/** pg_advisory_xact_lock key ("varc"): two processes starting on one empty database seed it once. */
const SEED_LOCK_KEY = 0x76617263;

const NOT_SEEDED: TSeedResult = {
  seeded: false,
  counts: { services: 0, employees: 0, eligible: 0, activities: 0, agreements: 0, users: 0 },
};

interface TDemoPlan {
  services: { id: string; code: string; name: string; plannedHeadcount: number }[];
  jobProfiles: { name: string; legalCategory: string; remoteAllowed: boolean }[];
  employees: TSeedEmployee[];
  activities: TMappedActivity[];
}

/**
 * Seeds the demo organisation (the Comune di Prato's plan: 23 services, 927 staff, 676 activities), ~40
 * remote-work agreements and the five demo accounts of `DEMO_LOGINS`, in one transaction. Does nothing when
 * the `services` table already has rows.
 */
export async function seedDemoData(db: Db, options: TSeedOptions = {}): Promise<TSeedResult> {
  if (await hasServices(db)) return NOT_SEEDED;
  const plan = planDemoData();
  // Hashed before the transaction opens: scrypt takes about a second for the five on a 2-core machine.
  const passwordHashes = await hashDemoPasswords(hashPassword);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY}::bigint)`);
    if (await hasServices(tx)) return NOT_SEEDED;
    await insertOrganisation(tx, plan);
    const remoteActivities = await insertActivities(tx, plan.activities);
    const agreementRows = buildAgreements({
      employees: plan.employees,
      remoteActivities,
      random: createRandom(AGREEMENTS_SEED),
      today: todayInRome(options.today),
    });
    await tx.insert(agreements).values(agreementRows.map(toAgreementRow));
    const userRows = buildDemoUsers(plan.employees, agreementRows, passwordHashes);
    await tx.insert(users).values(userRows);
    await insertDemoVpn(tx);
    const counts: TSeedCounts = {
      services: plan.services.length,
      employees: plan.employees.length,
      eligible: plan.employees.filter((e) => e.remoteEligible).length,
      activities: plan.activities.length,
      agreements: agreementRows.length,
      users: userRows.length,
    };
    return { seeded: true, counts };
  });
}

async function hasServices(db: Db): Promise<boolean> {
  const rows = await db.select({ id: services.id }).from(services).limit(1);
  return rows.length > 0;
}

/** Everything that comes from the CSVs and the seeded PRNG; no database access. */
function planDemoData(): TDemoPlan {
  const headcount = readServicesHeadcount();
  const notRemote = readNotRemoteProfiles();
  return {
    services: headcount.map((s) => ({
      id: newId('service'),
      code: s.code,
      name: s.name,
      plannedHeadcount: s.employees,
    })),
    jobProfiles: [
      ...REMOTE_PROFILES.map((p) => ({ ...p, remoteAllowed: true })),
      ...notRemote.map((p) => ({ name: p.profile, legalCategory: p.legalCategory, remoteAllowed: false })),
    ],
    employees: buildEmployees(headcount, notRemote, createRandom(NAMES_SEED)),
    activities: readActivityMap(),
  };
}

async function insertOrganisation(db: Db, plan: TDemoPlan): Promise<void> {
  await db.insert(services).values(plan.services);
  await db.insert(jobProfiles).values(plan.jobProfiles);
  const serviceIds = new Map(plan.services.map((s) => [s.code, s.id]));
  const rows = plan.employees.map((person) => toEmployeeRow(person, serviceIds.get(person.serviceCode)!));
  // Managers before their reports (employees_manager_fk): the Director General, the other heads, then the rest.
  const headCount = plan.employees.filter((e) => e.isHead).length;
  await db.insert(employees).values(rows.slice(0, 1));
  await db.insert(employees).values(rows.slice(1, headCount));
  for (let start = headCount; start < rows.length; start += EMPLOYEE_BATCH_SIZE) {
    await db.insert(employees).values(rows.slice(start, start + EMPLOYEE_BATCH_SIZE));
  }
}

/** Inserts the activity map; returns the ids of the activities that can be done at least partly remotely. */
async function insertActivities(db: Db, mapped: readonly TMappedActivity[]): Promise<TRemoteActivity[]> {
  const inserted = await db
    .insert(activities)
    .values(mapped.map(toActivityRow))
    .returning({ id: activities.id, serviceCode: activities.serviceCode, mode: activities.mode });
  return inserted
    .filter((a) => a.mode === 'smart' || a.mode === 'partial')
    .sort((a, b) => a.id - b.id)
    .map(({ id, serviceCode }) => ({ id, serviceCode }));
}

function toEmployeeRow(person: TSeedEmployee, serviceId: string): typeof employees.$inferInsert {
  return {
    id: person.id,
    directoryId: person.directoryId,
    firstName: person.firstName,
    lastName: person.lastName,
    email: person.email,
    serviceId,
    managerId: person.managerId,
    jobProfile: person.jobProfile,
    remoteEligible: person.remoteEligible,
    active: person.active,
    source: 'seed',
    searchText: person.searchText,
  };
}

function toActivityRow(mapped: TMappedActivity): typeof activities.$inferInsert {
  const { serviceCode, macroActivity, activity, mode, note } = mapped;
  return { serviceCode, macroActivity, activity, mode, note };
}

function toAgreementRow(agreement: TSeedAgreement): typeof agreements.$inferInsert {
  return {
    id: newId('agreement'),
    employeeId: agreement.employeeId,
    daysPerWeek: agreement.daysPerWeek,
    technology: agreement.technology,
    activityIds: agreement.activityIds,
    startsOn: agreement.startsOn,
    endsOn: agreement.endsOn,
  };
}
