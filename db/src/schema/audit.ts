import { bigserial, index, inet, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { at } from './columns.js';

/**
 * Append-only: a trigger (in the migration) refuses UPDATE and DELETE, so no code path can rewrite history.
 * No foreign keys: an audit row must outlive the user or object it names.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull().defaultNow(),
    actorUserId: text('actor_user_id'),
    actorUsername: text('actor_username'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    ip: inet('ip'),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_target_idx').on(t.targetType, t.targetId),
    index('audit_actor_idx').on(t.actorUsername),
    index('audit_action_idx').on(t.action),
  ],
);
