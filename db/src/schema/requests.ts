import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn, lifecycleDates } from './columns.js';
import { employees } from './directory.js';
import { assets } from './inventory.js';
import { users } from './auth.js';

export const REQUEST_KINDS = ['vpn', 'laptop', 'docking-kit', 'webcam', 'headset', 'mobile-router', 'softphone'] as const;
export const REQUEST_STATUSES = [
  'draft',
  'submitted',
  'awaiting_hr',
  'approved',
  'rejected',
  'in_fulfilment',
  'ready_for_installation',
  'installed',
  'delivered',
  'closed',
  'cancelled',
  'returned',
  'lost',
] as const;
export const ITEM_STATUSES = ['pending', 'waiting_telephony', 'assigned', 'issued', 'installed', 'returned', 'lost'] as const;

/** A kit request for one employee; fulfilled item by item. The state machine lives in domain/request-workflow.ts. */
export const kitRequests = pgTable(
  'kit_requests',
  {
    id: idColumn(),
    /** Human number shown in the console and e-mails (R-2026-000123). */
    number: integer('number').generatedAlwaysAsIdentity(),
    employeeId: text('employee_id')
      .notNull()
      .references(() => employees.id),
    createdByUserId: text('created_by_user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: REQUEST_STATUSES }).notNull().default('draft'),
    note: text('note'),
    /** Who holds it now (an operator), for the hot-line queue. */
    assigneeUserId: text('assignee_user_id').references(() => users.id),
    eligibilityOverride: boolean('eligibility_override').notNull().default(false),
    submittedAt: at('submitted_at'),
    decidedAt: at('decided_at'),
    installedAt: at('installed_at'),
    acceptedAt: at('accepted_at'),
    /** The list of items, serials and certificate serials the employee accepted (frozen at acceptance). */
    acceptance: jsonb('acceptance'),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('kit_requests_number_uq').on(t.number),
    index('kit_requests_employee_idx').on(t.employeeId),
    index('kit_requests_status_idx').on(t.status, t.submittedAt),
  ],
);

export const kitRequestItems = pgTable(
  'kit_request_items',
  {
    id: idColumn(),
    requestId: text('request_id')
      .notNull()
      .references(() => kitRequests.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: REQUEST_KINDS }).notNull(),
    status: text('status', { enum: ITEM_STATUSES }).notNull().default('pending'),
    assetId: text('asset_id').references(() => assets.id),
    /** Set by the PKI stage for VPN items. */
    certificateId: text('certificate_id'),
    /** Installation checklist ticks: { "vpn-client": true, "disk-encryption": true, … }. */
    checklist: jsonb('checklist').$type<Record<string, boolean>>().notNull().default(sql`'{}'::jsonb`),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('kit_request_items_kind_uq').on(t.requestId, t.kind),
    // One asset serves one open item at a time.
    uniqueIndex('kit_request_items_asset_uq').on(t.assetId).where(sql`asset_id is not null and status not in ('returned', 'lost')`),
  ],
);

/** The employee's timeline: every transition with who, when and why (the audit log has the same, for auditors). */
export const kitRequestEvents = pgTable(
  'kit_request_events',
  {
    id: idColumn(),
    requestId: text('request_id')
      .notNull()
      .references(() => kitRequests.id, { onDelete: 'cascade' }),
    itemId: text('item_id'),
    at: at('at').notNull().defaultNow(),
    actorUserId: text('actor_user_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    comment: text('comment'),
  },
  (t) => [index('kit_request_events_request_idx').on(t.requestId, t.at), check('kit_request_events_comment_ck', sql`length(${t.comment}) <= 2000`)],
);
