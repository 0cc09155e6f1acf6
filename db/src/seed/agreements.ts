import type { TSeedEmployee } from './employees.js';
import type { TRandom } from './names.js';

/** The same list as the API contract's TECHNOLOGIES (db cannot import from api). */
export const AGREEMENT_TECHNOLOGIES = [
  'laptop',
  'vpn',
  'docking-kit',
  'webcam',
  'headset',
  'mobile-router',
  'softphone',
] as const;
export type TAgreementTechnology = (typeof AGREEMENT_TECHNOLOGIES)[number];

/** How often each item is in an agreement: VPN always (the plan's only way in), a mobile router rarely. */
const TECHNOLOGY_SHARE: Record<TAgreementTechnology, number> = {
  laptop: 0.85,
  vpn: 1,
  'docking-kit': 0.4,
  webcam: 0.5,
  headset: 0.6,
  'mobile-router': 0.1,
  softphone: 0.4,
};

/** Agreements per service (staff, heads excluded): a spread over several services, the IT one first. */
const AGREEMENTS_PER_SERVICE: readonly (readonly [serviceCode: string, count: number])[] = [
  ['SD', 6], ['PL', 5], ['PF', 4], ['SR', 4], ['PE', 4], ['PR', 4], ['PA', 3], ['SE', 3], ['PD', 2], ['UH', 2],
  ['PG', 1],
];
/** Heads work remotely one day a week, on an agreement with the Director General (plan §2.1). */
const HEAD_AGREEMENT_SERVICES = ['PF', 'SR'] as const;
/** Realistic variety, keyed "service:nth": two agreements have already ended, one has not started yet. */
const EXPIRED: ReadonlyMap<string, TAgreementDates> = new Map([
  ['PL:2', { startsOn: '2026-01-12', endsOn: '2026-06-30' }],
  ['PE:2', { startsOn: '2026-02-02', endsOn: '2026-09-30' }],
]);
const STARTS_LATER = 'PA:2';
/** The demo's "dipendente" signs in as this holder: their agreement must be running, with no end. */
export const DEMO_EMPLOYEE_AGREEMENT = 'SD:1';
const DEMO_EMPLOYEE_DATES: TAgreementDates = { startsOn: '2026-01-12', endsOn: null };

interface TAgreementDates {
  startsOn: string;
  endsOn: string | null;
}

export interface TRemoteActivity {
  id: number;
  serviceCode: string;
}

export interface TSeedAgreement {
  /** "service:nth" (e.g. "SD:1"): how the demo users find the agreement they need; not stored. */
  key: string;
  employeeId: string;
  daysPerWeek: number;
  technology: TAgreementTechnology[];
  activityIds: number[];
  startsOn: string;
  endsOn: string | null;
}

/**
 * About 40 agreements for eligible, active people, in `AGREEMENTS_PER_SERVICE` order (the first is the demo
 * employee's): most running, some with an end date, two expired, one starting about three weeks after `today`.
 */
export function buildAgreements(params: {
  employees: readonly TSeedEmployee[];
  remoteActivities: readonly TRemoteActivity[];
  random: TRandom;
  /** ISO date (YYYY-MM-DD) in the city's time zone. */
  today: string;
}): TSeedAgreement[] {
  const { employees, remoteActivities, random, today } = params;
  const holders = chooseHolders(employees, random);
  const nthOfService = new Map<string, number>();
  return holders.map((person) => {
    const nth = (nthOfService.get(person.serviceCode) ?? 0) + 1;
    nthOfService.set(person.serviceCode, nth);
    const key = `${person.serviceCode}:${nth}`;
    const dates = pickDates(key, random, today);
    const activities = remoteActivities.filter((a) => a.serviceCode === person.serviceCode).map((a) => a.id);
    return {
      key,
      employeeId: person.id,
      daysPerWeek: person.isHead ? 1 : pickDaysPerWeek(random),
      // Sorted, as saveAgreement stores them.
      technology: AGREEMENT_TECHNOLOGIES.filter((item) => random.next() < TECHNOLOGY_SHARE[item]).sort(),
      activityIds: pickSome(activities, 2 + random.int(5), random).sort((a, b) => a - b),
      ...dates,
    };
  });
}

function chooseHolders(employees: readonly TSeedEmployee[], random: TRandom): TSeedEmployee[] {
  const holders: TSeedEmployee[] = [];
  for (const [serviceCode, count] of AGREEMENTS_PER_SERVICE) {
    const staff = employees.filter((e) => e.serviceCode === serviceCode && e.remoteEligible && e.active && !e.isHead);
    holders.push(...pickSome(staff, count, random));
  }
  for (const serviceCode of HEAD_AGREEMENT_SERVICES) {
    holders.push(employees.find((e) => e.serviceCode === serviceCode && e.isHead)!);
  }
  return holders;
}

function pickDates(key: string, random: TRandom, today: string): TAgreementDates {
  if (key === DEMO_EMPLOYEE_AGREEMENT) return DEMO_EMPLOYEE_DATES;
  const expired = EXPIRED.get(key);
  if (expired) return expired;
  if (key === STARTS_LATER) {
    return { startsOn: toIsoDate(nextMonday(new Date(`${today}T00:00:00Z`), 21)), endsOn: null };
  }
  const startsOn = toIsoDate(nextMonday(new Date(Date.UTC(2026, random.int(9), 1 + random.int(28))), 0));
  const endsOn = random.next() < 0.4 ? random.pick(['2027-01-31', '2027-06-30', '2027-12-31']) : null;
  return { startsOn, endsOn };
}

function pickDaysPerWeek(random: TRandom): number {
  const roll = random.next();
  return roll < 0.3 ? 1 : roll < 0.8 ? 2 : 3;
}

/** `count` distinct items (all of them if there are fewer), in the order drawn. */
function pickSome<T>(items: readonly T[], count: number, random: TRandom): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(random.int(pool.length), 1)[0]!);
  return picked;
}

/** The first Monday at least `afterDays` days after `from` (agreements start at the beginning of a week). */
function nextMonday(from: Date, afterDays: number): Date {
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + afterDays));
  while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() + 1);
  return day;
}

function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
