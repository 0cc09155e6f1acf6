import { newId } from '../ids.js';
import { allocateProfiles, apportion } from './allocate-profiles.js';
import type { TNotRemoteProfile, TServiceHeadcount } from './csv.js';
import { HEAD_PROFILE, NOT_REMOTE_PREFERRED_SERVICES, remoteProfileMix } from './job-profiles.js';
import { createNameGenerator, toAsciiLower, type TRandom } from './names.js';

export const MAIL_DOMAIN = 'comune.prato.it';
/** The head of the Direzione Generale is the Director General: every other head reports to them. */
export const TOP_SERVICE_CODE = 'UA';
/** A few people are inactive, for realism; all are remote-eligible, so eligibility counts match the plan. */
export const INACTIVE_COUNT = 5;

export interface TProfileSlot {
  profile: string;
  remoteAllowed: boolean;
}

export interface TSeedEmployee {
  id: string;
  directoryId: string;
  firstName: string;
  lastName: string;
  email: string;
  serviceCode: string;
  managerId: string | null;
  jobProfile: string;
  remoteEligible: boolean;
  active: boolean;
  searchText: string;
  isHead: boolean;
}

/**
 * The profile of every person in every service, head first: one "Dirigente" (taken from the remote-allowed
 * slots), the service's remote-allowed mix, then its share of the plan's not-remote profiles.
 */
export function planServiceProfiles(
  services: readonly TServiceHeadcount[],
  notRemoteProfiles: readonly TNotRemoteProfile[],
): Map<string, TProfileSlot[]> {
  const notRemote = allocateProfiles(
    services.map((s) => ({ serviceCode: s.code, slots: s.cannotWorkRemotely })),
    notRemoteProfiles.map((p) => ({
      profile: p.profile,
      count: p.employees,
      preferredServices: NOT_REMOTE_PREFERRED_SERVICES[p.profile] ?? [],
    })),
  );
  const plan = new Map<string, TProfileSlot[]>();
  for (const service of services) {
    if (service.canWorkRemotely < 1) throw new Error(`${service.code}: no remote-allowed slot for its head`);
    const mix = remoteProfileMix(service.code);
    const counts = apportion(service.canWorkRemotely - 1, mix.map(([, weight]) => weight));
    const slots: TProfileSlot[] = [{ profile: HEAD_PROFILE, remoteAllowed: true }];
    mix.forEach(([profile], index) => slots.push(...repeat({ profile, remoteAllowed: true }, counts[index]!)));
    for (const row of notRemote.filter((r) => r.serviceCode === service.code)) {
      slots.push(...repeat({ profile: row.profile, remoteAllowed: false }, row.count));
    }
    plan.set(service.code, slots);
  }
  return plan;
}

function repeat<T>(item: T, times: number): T[] {
  return Array.from({ length: times }, () => item);
}

/** The 927 people: heads first (the Director General before the others), so managers exist before reports. */
export function buildEmployees(
  services: readonly TServiceHeadcount[],
  notRemoteProfiles: readonly TNotRemoteProfile[],
  random: TRandom,
): TSeedEmployee[] {
  const plan = planServiceProfiles(services, notRemoteProfiles);
  const nextName = createNameGenerator(random);
  const uniqueDirectoryId = createUniquer();
  const people: TSeedEmployee[] = [];
  for (const service of services) {
    plan.get(service.code)!.forEach((slot, index) => {
      const { firstName, lastName } = nextName();
      const directoryId = uniqueDirectoryId(toAsciiLower(firstName.charAt(0) + lastName));
      const email = `${toAsciiLower(firstName)}.${toAsciiLower(lastName)}@${MAIL_DOMAIN}`;
      people.push({
        id: newId('employee'),
        directoryId,
        firstName,
        lastName,
        email,
        serviceCode: service.code,
        managerId: null,
        jobProfile: slot.profile,
        remoteEligible: slot.remoteAllowed,
        active: true,
        searchText: `${firstName} ${lastName} ${email} ${directoryId}`.toLowerCase(),
        isHead: index === 0,
      });
    });
  }
  assignManagers(people);
  markInactive(people, random);
  const rank = (p: TSeedEmployee) => (p.isHead ? (p.serviceCode === TOP_SERVICE_CODE ? 0 : 1) : 2);
  return people.sort((a, b) => rank(a) - rank(b));
}

/** `mrossi`, then `mrossi2`, `mrossi3`… */
function createUniquer(): (base: string) => string {
  const seen = new Map<string, number>();
  return (base) => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  };
}

function assignManagers(people: TSeedEmployee[]): void {
  const heads = new Map(people.filter((p) => p.isHead).map((p) => [p.serviceCode, p.id]));
  const director = heads.get(TOP_SERVICE_CODE);
  if (!director) throw new Error(`no head for ${TOP_SERVICE_CODE}: the other heads need a manager`);
  for (const person of people) {
    if (!person.isHead) person.managerId = heads.get(person.serviceCode)!;
    else if (person.id !== director) person.managerId = director;
  }
}

function markInactive(people: TSeedEmployee[], random: TRandom): void {
  const candidates = people.filter((p) => p.remoteEligible && !p.isHead);
  for (let marked = 0; marked < INACTIVE_COUNT; ) {
    const person = random.pick(candidates);
    if (!person.active) continue;
    person.active = false;
    marked++;
  }
}
