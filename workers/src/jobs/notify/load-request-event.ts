import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { schema, type Db } from '@varco/db';
import type { TMailLocale } from '../../mail/templates.js';

const { employees, kitRequestEvents, kitRequestItems, kitRequests, users } = schema;

export interface TMailPerson {
  id: string;
  name: string;
  email: string | null;
  /** The language of their Varco account; 'it' for people who never signed in. */
  locale: TMailLocale;
}

export interface TRequestEventForMail {
  event: { id: string; action: string; toStatus: string | null; itemId: string | null; actorName: string | null; comment: string | null };
  request: { id: string; number: number; createdAt: Date };
  kinds: string[];
  employee: TMailPerson;
  /** Null when the directory gives the employee no manager. */
  manager: TMailPerson | null;
}

/** Everything a request-event e-mail needs, read fresh (the job payload carries ids only); null if the event is gone. */
export async function loadRequestEventForMail(db: Db, params: { requestId: string; eventId: string }): Promise<TRequestEventForMail | null> {
  const manager = alias(employees, 'manager');
  const [row] = await db
    .select({
      event: {
        id: kitRequestEvents.id,
        action: kitRequestEvents.action,
        toStatus: kitRequestEvents.toStatus,
        itemId: kitRequestEvents.itemId,
        actorName: kitRequestEvents.actorName,
        comment: kitRequestEvents.comment,
      },
      request: { id: kitRequests.id, number: kitRequests.number, createdAt: kitRequests.createdAt },
      employee: { id: employees.id, firstName: employees.firstName, lastName: employees.lastName, email: employees.email },
      manager: { id: manager.id, firstName: manager.firstName, lastName: manager.lastName, email: manager.email },
    })
    .from(kitRequestEvents)
    .innerJoin(kitRequests, eq(kitRequests.id, kitRequestEvents.requestId))
    .innerJoin(employees, eq(employees.id, kitRequests.employeeId))
    .leftJoin(manager, eq(manager.id, employees.managerId))
    .where(and(eq(kitRequestEvents.id, params.eventId), eq(kitRequestEvents.requestId, params.requestId)));
  if (!row) return null;
  const [locales, items] = await Promise.all([
    localesOf(db, [row.employee.id, ...(row.manager ? [row.manager.id] : [])]),
    db.select({ kind: kitRequestItems.kind }).from(kitRequestItems).where(eq(kitRequestItems.requestId, params.requestId)).orderBy(asc(kitRequestItems.kind)),
  ]);
  const toPerson = (p: { id: string; firstName: string; lastName: string; email: string | null }): TMailPerson => ({
    id: p.id,
    name: `${p.firstName} ${p.lastName}`,
    email: p.email?.trim() || null,
    locale: locales.get(p.id) ?? 'it',
  });
  return {
    event: row.event,
    request: row.request,
    kinds: items.map((item) => item.kind),
    employee: toPerson(row.employee),
    manager: row.manager ? toPerson(row.manager) : null,
  };
}

/** The locale of each employee's user account; an enabled account wins over a disabled one. */
async function localesOf(db: Db, employeeIds: string[]): Promise<Map<string, TMailLocale>> {
  const rows = await db
    .select({ employeeId: users.employeeId, locale: users.locale })
    .from(users)
    .where(inArray(users.employeeId, employeeIds))
    // Disabled accounts first, so an enabled one overwrites them in the map.
    .orderBy(desc(users.disabled), asc(users.createdAt));
  const locales = new Map<string, TMailLocale>();
  for (const row of rows) if (row.employeeId) locales.set(row.employeeId, row.locale);
  return locales;
}

/**
 * Who confirms VPN access for HR: enabled accounts with the `hr` role, with the e-mail address of their employee
 * record and the language of their account. The request's own employee is left out (nobody confirms their own).
 */
export async function loadHrRecipients(db: Db, params: { exceptEmployeeId: string }): Promise<TMailPerson[]> {
  const rows = await db
    .select({ employeeId: employees.id, firstName: employees.firstName, lastName: employees.lastName, email: employees.email, locale: users.locale })
    .from(users)
    .innerJoin(employees, eq(employees.id, users.employeeId))
    .where(and(sql`'hr' = any(${users.roles})`, eq(users.disabled, false), eq(employees.active, true), ne(employees.id, params.exceptEmployeeId)))
    .orderBy(asc(employees.lastName), asc(employees.firstName));
  const people = new Map<string, TMailPerson>();
  // One mail per person, even with several accounts (a local and a directory one) for the same employee.
  for (const row of rows) {
    people.set(row.employeeId, { id: row.employeeId, name: `${row.firstName} ${row.lastName}`, email: row.email?.trim() || null, locale: row.locale });
  }
  return [...people.values()];
}
