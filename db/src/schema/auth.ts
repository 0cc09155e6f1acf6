import { sql } from 'drizzle-orm';
import { boolean, check, index, inet, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at, idColumn, lifecycleDates } from './columns.js';
import { employees } from './directory.js';

export const USER_SOURCES = ['local', 'directory'] as const;

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    /** Stored lower-case: sign-in is case-insensitive, like the directory. */
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    source: text('source', { enum: USER_SOURCES }).notNull(),
    /** scrypt hash for local accounts; null for directory accounts (the directory checks passwords). */
    passwordHash: text('password_hash'),
    employeeId: text('employee_id').references(() => employees.id),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    locale: text('locale', { enum: ['it', 'en'] }).notNull().default('it'),
    disabled: boolean('disabled').notNull().default(false),
    lastLoginAt: at('last_login_at'),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    check('users_username_lower_ck', sql`${t.username} = lower(${t.username})`),
    check('users_local_hash_ck', sql`${t.source} <> 'local' or ${t.passwordHash} is not null`),
  ],
);

/** Server-side sessions. The cookie carries a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    /** Absolute expiry; the idle timeout is checked against lastSeenAt. */
    expiresAt: at('expires_at').notNull(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);
