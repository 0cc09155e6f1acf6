/**
 * Decides what a directory run would change — PURE: no database, no LDAP, no clock. The apply step (DB writes in
 * transactions, deprovisioning) acts on the returned plan only after the reader finished without an error.
 *
 * Rules (TRAPS.md, LDAP; issue 5):
 * - Full run with no usable entry (0 entries, or none with a valid directory id) → `refused: 'empty_result'` and an
 *   empty plan: an ACL-limited bind or a wrong filter must never look like "everybody left".
 * - Full run: an active employee missing from the directory is disabled ('vanished') — except `source: 'manual'`
 *   people, who were never the directory's. Incremental run: absence means "unchanged", never a disable.
 * - An entry rejected by sanitize or with an unknown service / job profile is an error row; its person still counts
 *   as seen, so a typo in the directory never disables anyone.
 * - Disabled in the directory: an active employee is disabled ('disabled_in_directory'); a person not yet in Varco
 *   is not created (counted as skippedDisabled). Fields of disabled people are not updated and their service or
 *   profile is not checked: leavers are often moved to a "disabled users" OU first.
 * - Enabled in the directory but inactive here: re-enabled, unless `manuallyDeactivated` (counted, left alone).
 * - A directory entry matching a seed/manual employee adopts it (`changed` includes 'source').
 * - `needsConfirmation` when the disables exceed `maxDisablePercent` % of the currently active staff or
 *   `maxDisableCount` people (strictly above: exactly at the limit passes).
 * - Managers are kept as directory ids: from the manager DN's RDN when it is the id attribute, else through the
 *   DNs of this run's entries (plus `knownDns` for incremental runs). A manager that cannot be resolved or will not
 *   exist leaves an existing employee's manager unchanged and gives a new one none (counted as unresolvedManagers).
 *
 * Memory: `SyncPlanner` keeps the ids and DNs it saw plus the planned changes; unchanged people cost a Set entry.
 * Entries whose manager appears later in the stream are held until `finish()`.
 */
import { normaliseDn, type TDirectoryEntry, type TDirectoryRecord, type TRejectReason } from './sanitize.js';

export type TEmployeeSource = 'seed' | 'directory' | 'manual';

export interface TEmployeeFields {
  firstName: string;
  lastName: string;
  email: string | null;
  serviceCode: string;
  jobProfile: string;
  managerDirectoryId: string | null;
}

export interface TCurrentEmployee extends TEmployeeFields {
  id: string;
  directoryId: string;
  /** The DN the last sync stored (null before the first sync that saw this person). */
  directoryDn: string | null;
  active: boolean;
  manuallyDeactivated: boolean;
  source: TEmployeeSource;
}

export type TChangedField = 'name' | 'email' | 'service' | 'manager' | 'profile' | 'source' | 'dn';
type TUpdateValues = Partial<TEmployeeFields> & { source?: TEmployeeSource; directoryDn?: string | null };

export interface TPlannedCreate {
  directoryId: string;
  dn: string;
  fields: TEmployeeFields;
}
export interface TPlannedUpdate {
  employeeId: string;
  directoryId: string;
  dn: string;
  changed: TChangedField[];
  set: TUpdateValues;
  previous: TUpdateValues;
}
export interface TPlannedDisable {
  employeeId: string;
  directoryId: string;
  reason: 'vanished' | 'disabled_in_directory';
  dn: string | null;
}
export interface TPlannedReenable {
  employeeId: string;
  directoryId: string;
  dn: string;
}

export type TSyncErrorReason = TRejectReason | 'unknown_service' | 'unknown_job_profile' | 'duplicate_directory_id';
export interface TSyncError {
  dn: string;
  directoryId: string | null;
  reason: TSyncErrorReason;
  value?: string;
}

export interface TDisableLimits {
  maxDisablePercent: number;
  maxDisableCount: number;
}
export const DEFAULT_DISABLE_LIMITS: TDisableLimits = { maxDisablePercent: 5, maxDisableCount: 50 };

export interface TSyncPlan {
  mode: 'full' | 'incremental';
  create: TPlannedCreate[];
  update: TPlannedUpdate[];
  disable: TPlannedDisable[];
  reenable: TPlannedReenable[];
  unchanged: number;
  errors: TSyncError[];
  needsConfirmation: boolean;
  refused?: 'empty_result';
  stats: {
    entries: number;
    activeBefore: number;
    skippedDisabled: number;
    keptManuallyDeactivated: number;
    unresolvedManagers: number;
  };
}

export interface TSyncPlannerOptions {
  /** Every employee, keyed by directoryId (active or not, any source). */
  current: ReadonlyMap<string, TCurrentEmployee>;
  mode: 'full' | 'incremental';
  knownServiceCodes: Iterable<string>;
  knownJobProfiles: Iterable<string>;
  limits?: Partial<TDisableLimits>;
  /** Used when an entry has no job title (not when it has an unknown one). */
  fallbackJobProfile?: string;
  /**
   * Normalised DN → directoryId of people outside this run (incremental runs with DN-only manager references), from
   * `employees.directory_dn`; see `knownDnsOf`.
   */
  knownDns?: ReadonlyMap<string, string>;
}

type TManager = { kind: 'none' } | { kind: 'id'; id: string } | { kind: 'pending' } | { kind: 'unresolved' };
type TCoreFields = Omit<TEmployeeFields, 'managerDirectoryId'>;

export class SyncPlanner {
  private readonly create: TPlannedCreate[] = [];
  private readonly update: TPlannedUpdate[] = [];
  private readonly disable: TPlannedDisable[] = [];
  private readonly reenable: TPlannedReenable[] = [];
  private readonly errors: TSyncError[] = [];
  private readonly seen = new Set<string>();
  private readonly created = new Set<string>();
  /**
   * Normalised DN → directory id of this run's entries, built only once a manager is named by DN alone (AD): a
   * directory whose manager DNs start with the id attribute (`uid=…`) never pays for normalising every DN.
   * Until then the DNs wait, unnormalised, in `unindexed`.
   */
  private dnIndex: Map<string, string> | null = null;
  private unindexed: Array<[dn: string, directoryId: string]> = [];
  /** Ids of entries seen at the DN stored for them (a resync: nearly everyone), indexed by that stored DN. */
  private seenAtStoredDn: string[] = [];
  private readonly pending: Array<{ entry: TDirectoryEntry; fields: TCoreFields }> = [];
  private readonly services: Map<string, string>;
  private readonly profiles: Map<string, string>;
  private readonly limits: TDisableLimits;
  private readonly stats: TSyncPlan['stats'];
  private unchanged = 0;
  private finished = false;

  constructor(private readonly options: TSyncPlannerOptions) {
    this.services = new Map([...options.knownServiceCodes].map((code) => [code.toUpperCase(), code]));
    this.profiles = new Map([...options.knownJobProfiles].map((name) => [name.toLowerCase(), name]));
    this.limits = { ...DEFAULT_DISABLE_LIMITS, ...options.limits };
    let activeBefore = 0;
    for (const employee of options.current.values()) if (employee.active) activeBefore += 1;
    this.stats = { entries: 0, activeBefore, skippedDisabled: 0, keptManuallyDeactivated: 0, unresolvedManagers: 0 };
  }

  add(record: TDirectoryRecord): void {
    if (this.finished) throw new Error('SyncPlanner.add() after finish()');
    this.stats.entries += 1;
    const id = record.directoryId;
    if (id !== null && this.seen.has(id)) {
      this.errors.push({ dn: record.dn, directoryId: id, reason: 'duplicate_directory_id' });
      return;
    }
    if (id !== null) this.seen.add(id);
    if (record.kind === 'rejected') {
      const { dn, directoryId, reason, value } = record;
      this.errors.push({ dn, directoryId, reason, ...(value === undefined ? {} : { value }) });
      return;
    }
    if (this.dnIndex) this.dnIndex.set(normaliseDn(record.dn), record.directoryId);
    else if (this.options.current.get(record.directoryId)?.directoryDn === record.dn) this.seenAtStoredDn.push(record.directoryId);
    else this.unindexed.push([record.dn, record.directoryId]);
    if (record.disabled) return this.planDisabled(record);
    const fields = this.validate(record);
    if (!fields) return;
    const manager = this.resolveManager(record, false);
    if (manager.kind === 'pending') this.pending.push({ entry: record, fields });
    else this.planEnabled(record, fields, manager);
  }

  finish(): TSyncPlan {
    if (this.finished) throw new Error('SyncPlanner.finish() called twice');
    this.finished = true;
    for (const { entry, fields } of this.pending) this.planEnabled(entry, fields, this.resolveManager(entry, true));
    this.pending.length = 0;
    const { mode } = this.options;
    if (mode === 'full' && this.seen.size === 0) return this.refuse();
    if (mode === 'full') this.planVanished();
    const { maxDisableCount, maxDisablePercent } = this.limits;
    const count = this.disable.length;
    return {
      mode,
      create: this.create,
      update: this.update,
      disable: this.disable,
      reenable: this.reenable,
      unchanged: this.unchanged,
      errors: this.errors,
      needsConfirmation: count > maxDisableCount || count * 100 > maxDisablePercent * this.stats.activeBefore,
      stats: this.stats,
    };
  }

  private refuse(): TSyncPlan {
    return {
      mode: this.options.mode,
      create: [],
      update: [],
      disable: [],
      reenable: [],
      unchanged: 0,
      errors: this.errors,
      needsConfirmation: false,
      refused: 'empty_result',
      stats: this.stats,
    };
  }

  private planVanished(): void {
    const vanished: TPlannedDisable[] = [];
    for (const employee of this.options.current.values()) {
      if (!employee.active || employee.source === 'manual' || this.seen.has(employee.directoryId)) continue;
      vanished.push({ employeeId: employee.id, directoryId: employee.directoryId, reason: 'vanished', dn: null });
    }
    vanished.sort((a, b) => (a.directoryId < b.directoryId ? -1 : 1));
    this.disable.push(...vanished);
  }

  private planDisabled(entry: TDirectoryEntry): void {
    const current = this.options.current.get(entry.directoryId);
    if (!current) {
      this.stats.skippedDisabled += 1;
      return;
    }
    if (!current.active) {
      this.unchanged += 1;
      return;
    }
    this.disable.push({ employeeId: current.id, directoryId: entry.directoryId, reason: 'disabled_in_directory', dn: entry.dn });
  }

  private reject(entry: TDirectoryEntry, reason: TSyncErrorReason, value: string | null): null {
    this.errors.push({ dn: entry.dn, directoryId: entry.directoryId, reason, ...(value ? { value } : {}) });
    return null;
  }

  private validate(entry: TDirectoryEntry): TCoreFields | null {
    const serviceCode = entry.serviceCode ? this.services.get(entry.serviceCode.toUpperCase()) : undefined;
    if (!serviceCode) return this.reject(entry, 'unknown_service', entry.serviceCode);
    const title = entry.jobProfile ?? this.options.fallbackJobProfile ?? null;
    const jobProfile = title ? this.profiles.get(title.toLowerCase()) : undefined;
    if (!jobProfile) return this.reject(entry, 'unknown_job_profile', title);
    return { firstName: entry.firstName, lastName: entry.lastName, email: entry.email, serviceCode, jobProfile };
  }

  /** This run's entries first (a DN may have moved to someone else), then `knownDns`. */
  private directoryIdOfDn(dn: string): string | undefined {
    if (!this.dnIndex) {
      this.dnIndex = new Map();
      // Entries whose DN is the one stored for them were not listed in `unindexed` (see add()).
      for (const id of this.seenAtStoredDn) this.dnIndex.set(normaliseDn(this.options.current.get(id)!.directoryDn!), id);
      for (const [entryDn, id] of this.unindexed) this.dnIndex.set(normaliseDn(entryDn), id);
      this.unindexed = [];
      this.seenAtStoredDn = [];
    }
    return this.dnIndex.get(dn) ?? this.options.knownDns?.get(dn);
  }

  /** `final`: the whole stream was seen, so an unknown manager will stay unknown. */
  private resolveManager(entry: TDirectoryEntry, final: boolean): TManager {
    if (!entry.managerDirectoryId && !entry.managerDn) return { kind: 'none' };
    const id = entry.managerDirectoryId ?? this.directoryIdOfDn(normaliseDn(entry.managerDn!));
    if (id === entry.directoryId) return { kind: 'none' };
    const exists = id !== undefined && (this.created.has(id) || this.options.current.has(id));
    if (exists) return { kind: 'id', id };
    return final ? { kind: 'unresolved' } : { kind: 'pending' };
  }

  private planEnabled(entry: TDirectoryEntry, fields: TCoreFields, manager: TManager): void {
    if (manager.kind === 'unresolved') this.stats.unresolvedManagers += 1;
    const managerId = manager.kind === 'id' ? manager.id : manager.kind === 'none' ? null : undefined;
    const current = this.options.current.get(entry.directoryId);
    if (!current) {
      this.create.push({ directoryId: entry.directoryId, dn: entry.dn, fields: { ...fields, managerDirectoryId: managerId ?? null } });
      this.created.add(entry.directoryId);
      return;
    }
    let touched = false;
    if (!current.active && current.manuallyDeactivated) this.stats.keptManuallyDeactivated += 1;
    if (!current.active && !current.manuallyDeactivated) {
      this.reenable.push({ employeeId: current.id, directoryId: entry.directoryId, dn: entry.dn });
      touched = true;
    }
    const update = diff(current, fields, managerId, entry.dn);
    if (update) {
      this.update.push({ employeeId: current.id, directoryId: entry.directoryId, dn: entry.dn, ...update });
      // A refreshed DN alone is bookkeeping: the person still counts as unchanged (see updateCounts in @varco/db).
      if (update.changed.length > 1 || update.changed[0] !== 'dn') touched = true;
    }
    if (!touched) this.unchanged += 1;
  }
}

/** `managerId` undefined = unresolved: keep whatever the employee has. */
function diff(current: TCurrentEmployee, fields: TCoreFields, managerId: string | null | undefined, dn: string) {
  // The common case of a resync, checked without allocating anything.
  if (
    current.firstName === fields.firstName && current.lastName === fields.lastName && current.email === fields.email &&
    current.serviceCode === fields.serviceCode && current.jobProfile === fields.jobProfile && current.source === 'directory' &&
    current.directoryDn === dn && (managerId === undefined || current.managerDirectoryId === managerId)
  ) {
    return null;
  }
  const changed: TChangedField[] = [];
  const set: TUpdateValues = {};
  const previous: TUpdateValues = {};
  const change = (name: TChangedField, keys: Array<keyof TUpdateValues>, next: TUpdateValues) => {
    changed.push(name);
    for (const key of keys) {
      Object.assign(set, { [key]: next[key] });
      Object.assign(previous, { [key]: current[key] });
    }
  };
  if (current.firstName !== fields.firstName || current.lastName !== fields.lastName) {
    change('name', ['firstName', 'lastName'], fields);
  }
  if (current.email !== fields.email) change('email', ['email'], fields);
  if (current.serviceCode !== fields.serviceCode) change('service', ['serviceCode'], fields);
  if (current.jobProfile !== fields.jobProfile) change('profile', ['jobProfile'], fields);
  if (managerId !== undefined && current.managerDirectoryId !== managerId) {
    change('manager', ['managerDirectoryId'], { managerDirectoryId: managerId });
  }
  if (current.source !== 'directory') change('source', ['source'], { source: 'directory' });
  // Kept for incremental runs (DN-only manager references); a renamed or moved entry refreshes it.
  if (current.directoryDn !== dn) change('dn', ['directoryDn'], { directoryDn: dn });
  return changed.length ? { changed, set, previous } : null;
}

/** Plans a whole run from an iterable (tests, small directories). Stream large runs through `SyncPlanner`. */
export function planSync(options: TSyncPlannerOptions & { incoming: Iterable<TDirectoryRecord> }): TSyncPlan {
  const planner = new SyncPlanner(options);
  for (const record of options.incoming) planner.add(record);
  return planner.finish();
}

/** The `knownDns` of an incremental run: every employee's stored DN, normalised (people with none are skipped). */
export function knownDnsOf(current: ReadonlyMap<string, TCurrentEmployee>): Map<string, string> {
  const known = new Map<string, string>();
  for (const employee of current.values()) if (employee.directoryDn) known.set(normaliseDn(employee.directoryDn), employee.directoryId);
  return known;
}
