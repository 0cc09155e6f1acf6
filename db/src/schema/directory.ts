import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { idColumn, lifecycleDates } from './columns.js';

/** The city's organisational units ("Servizi"), keyed by the two-letter code the plan uses. */
export const services = pgTable(
  'services',
  {
    id: idColumn(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Headcount from the remote-work plan (Annex 1), kept for the plan's indicators. */
    plannedHeadcount: integer('planned_headcount').notNull().default(0),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex('services_code_uq').on(t.code), check('services_code_ck', sql`${t.code} ~ '^[A-Z]{2}$'`)],
);

/** Job profiles; `remoteAllowed = false` for the profiles Annex 1 excludes (police agents, educators, cooks…). */
export const jobProfiles = pgTable('job_profiles', {
  name: text('name').primaryKey(),
  legalCategory: text('legal_category'),
  remoteAllowed: boolean('remote_allowed').notNull(),
});

export const EMPLOYEE_SOURCES = ['seed', 'directory', 'manual'] as const;

export const employees = pgTable(
  'employees',
  {
    id: idColumn(),
    /** uid (OpenLDAP) or sAMAccountName (AD): the stable key directory sync matches on. */
    directoryId: text('directory_id').notNull(),
    /**
     * The entry's DN as directory sync last read it (sanitised; null for people the directory never listed). AD names
     * a manager by DN only: an incremental run resolves a manager outside the run through this column.
     */
    directoryDn: text('directory_dn'),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email'),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id),
    managerId: text('manager_id'),
    jobProfile: text('job_profile')
      .notNull()
      .references(() => jobProfiles.name),
    /** Stored, not derived on read, so list filters stay indexed; recomputed whenever profile changes. */
    remoteEligible: boolean('remote_eligible').notNull(),
    active: boolean('active').notNull().default(true),
    /** Set when a person deactivates someone by hand: directory sync must not re-enable them. */
    manuallyDeactivated: boolean('manually_deactivated').notNull().default(false),
    source: text('source', { enum: EMPLOYEE_SOURCES }).notNull().default('seed'),
    /** Lower-cased "first last email directoryId" for the search box; maintained by the commands. */
    searchText: text('search_text').notNull().default(''),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('employees_directory_id_uq').on(t.directoryId),
    index('employees_service_idx').on(t.serviceId),
    index('employees_manager_idx').on(t.managerId),
    index('employees_last_name_idx').on(t.lastName, t.firstName),
    foreignKey({ columns: [t.managerId], foreignColumns: [t.id], name: 'employees_manager_fk' }),
  ],
);

export const ACTIVITY_MODES = ['smart', 'partial', 'presence', 'outsourced'] as const;

/** The plan's 676 mapped activities; `mode` says whether each can be done remotely. */
export const activities = pgTable(
  'activities',
  {
    id: serial('id').primaryKey(),
    serviceCode: text('service_code').notNull(),
    macroActivity: text('macro_activity').notNull(),
    activity: text('activity').notNull(),
    mode: text('mode', { enum: ACTIVITY_MODES }).notNull(),
    note: text('note'),
  },
  (t) => [index('activities_service_idx').on(t.serviceCode)],
);

/** The individual remote-work agreement between manager and employee (plan §2.1). */
export const agreements = pgTable(
  'remote_work_agreements',
  {
    id: idColumn(),
    employeeId: text('employee_id')
      .notNull()
      .references(() => employees.id),
    daysPerWeek: smallint('days_per_week').notNull(),
    technology: jsonb('technology').$type<string[]>().notNull(),
    activityIds: jsonb('activity_ids').$type<number[]>().notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    ...lifecycleDates,
  },
  (t) => [
    // One agreement per employee in v1; renewals update it (the audit log keeps history).
    uniqueIndex('agreements_employee_uq').on(t.employeeId),
    check('agreements_days_ck', sql`${t.daysPerWeek} between 1 and 5`),
    check('agreements_dates_ck', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
  ],
);
