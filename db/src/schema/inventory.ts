import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn, lifecycleDates } from './columns.js';
import { employees } from './directory.js';

export const ASSET_TYPES = ['laptop', 'dock', 'screen', 'keyboard', 'mouse', 'webcam', 'headset', 'mobile-router'] as const;
export const ASSET_STATUSES = ['in_stock', 'assigned', 'in_repair', 'retired'] as const;

/**
 * The minimal asset registry. Purchase batches (a later stage) add `batch_id` and delivery rows on top;
 * assignment history lives in the audit log and on request items.
 */
export const assets = pgTable(
  'assets',
  {
    id: idColumn(),
    type: text('type', { enum: ASSET_TYPES }).notNull(),
    model: text('model').notNull(),
    serial: text('serial').notNull(),
    /** The city's inventory label; station certificates are bound to it. */
    assetTag: text('asset_tag').notNull(),
    status: text('status', { enum: ASSET_STATUSES }).notNull().default('in_stock'),
    location: text('location'),
    assignedEmployeeId: text('assigned_employee_id').references(() => employees.id),
    assignedAt: at('assigned_at'),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('assets_tag_uq').on(t.assetTag),
    uniqueIndex('assets_type_serial_uq').on(t.type, t.serial),
    index('assets_status_type_idx').on(t.status, t.type),
    index('assets_assigned_idx').on(t.assignedEmployeeId),
    // An assigned asset always names its holder; nothing else does.
    check('assets_assignment_ck', sql`(${t.status} = 'assigned') = (${t.assignedEmployeeId} is not null)`),
  ],
);
