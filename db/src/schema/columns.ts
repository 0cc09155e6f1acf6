import { text, timestamp } from 'drizzle-orm/pg-core';

/** Every table keeps when a row was made and last changed, in UTC with time zone. */
export const lifecycleDates = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const idColumn = () => text('id').primaryKey();
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
