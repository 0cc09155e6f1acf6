export interface TServiceSlots {
  serviceCode: string;
  /** How many people of this service must hold one of the profiles being allocated. */
  slots: number;
}

export interface TProfileDemand {
  profile: string;
  /** How many people hold this profile across all services. */
  count: number;
  /** Services to fill first, in order (police agents belong in the Polizia Municipale). */
  preferredServices?: readonly string[];
}

export interface TProfileAllocation {
  serviceCode: string;
  profile: string;
  count: number;
}

/**
 * Splits per-profile head counts over per-service slots so that both sets of totals hold exactly.
 * First each profile fills its preferred services; then the largest remaining profile goes to the service with the
 * most free slots, and so on. Ties keep input order, so the result is deterministic.
 */
export function allocateProfiles(
  services: readonly TServiceSlots[],
  profiles: readonly TProfileDemand[],
): TProfileAllocation[] {
  assertSameTotals(services, profiles);
  const freeSlots = new Map(services.map((s) => [s.serviceCode, s.slots]));
  const unplaced = new Map(profiles.map((p) => [p.profile, p.count]));
  const allocation: TProfileAllocation[] = [];
  const place = (serviceCode: string, profile: string, wanted: number) => {
    const count = Math.min(wanted, freeSlots.get(serviceCode) ?? 0);
    if (count <= 0) return;
    freeSlots.set(serviceCode, freeSlots.get(serviceCode)! - count);
    unplaced.set(profile, unplaced.get(profile)! - count);
    allocation.push({ serviceCode, profile, count });
  };
  for (const demand of profiles) {
    for (const serviceCode of demand.preferredServices ?? []) {
      if (!freeSlots.has(serviceCode)) throw new Error(`${demand.profile}: unknown preferred service ${serviceCode}`);
      place(serviceCode, demand.profile, unplaced.get(demand.profile)!);
    }
  }
  const byRemainingDesc = [...profiles].sort((a, b) => unplaced.get(b.profile)! - unplaced.get(a.profile)!);
  for (const { profile } of byRemainingDesc) {
    while (unplaced.get(profile)! > 0) place(mostFreeService(services, freeSlots), profile, unplaced.get(profile)!);
  }
  return mergeRows(services, allocation);
}

function assertSameTotals(services: readonly TServiceSlots[], profiles: readonly TProfileDemand[]): void {
  const slots = services.reduce((sum, s) => sum + s.slots, 0);
  const people = profiles.reduce((sum, p) => sum + p.count, 0);
  if (slots !== people) throw new Error(`cannot allocate: ${people} people for ${slots} slots`);
  if ([...services.map((s) => s.slots), ...profiles.map((p) => p.count)].some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error('cannot allocate: counts must be whole numbers ≥ 0');
  }
}

function mostFreeService(services: readonly TServiceSlots[], freeSlots: Map<string, number>): string {
  let best = services[0]!.serviceCode;
  for (const { serviceCode } of services) if (freeSlots.get(serviceCode)! > freeSlots.get(best)!) best = serviceCode;
  return best;
}

/** One row per (service, profile), in the services' order, then in the order profiles were placed there. */
function mergeRows(services: readonly TServiceSlots[], rows: TProfileAllocation[]): TProfileAllocation[] {
  const merged = new Map<string, TProfileAllocation>();
  for (const row of rows) {
    const key = `${row.serviceCode}\u0000${row.profile}`;
    const existing = merged.get(key);
    if (existing) existing.count += row.count;
    else merged.set(key, { ...row });
  }
  const order = new Map(services.map((s, index) => [s.serviceCode, index]));
  return [...merged.values()].sort((a, b) => order.get(a.serviceCode)! - order.get(b.serviceCode)!);
}

/**
 * Largest-remainder split of `total` in proportion to `weights` (Hamilton's method): the parts always add up to
 * `total`, and ties go to the earlier weight.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  if (weightSum <= 0) throw new Error('apportion: weights must add up to more than 0');
  const exact = weights.map((w) => (total * w) / weightSum);
  const parts = exact.map(Math.floor);
  const byRemainder = exact.map((value, index) => ({ index, rest: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.rest - a.rest || a.index - b.index);
  let missing = total - parts.reduce((sum, n) => sum + n, 0);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    parts[index]! += 1;
  }
  return parts;
}
