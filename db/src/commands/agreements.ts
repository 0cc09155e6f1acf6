import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { activities, agreements, employees, services } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';

export interface TAgreementInput {
  daysPerWeek: number;
  technology: string[];
  activityIds: number[];
  startsOn: string;
  endsOn: string | null;
}

export class CommandError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_activities' | 'not_eligible',
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Creates or replaces the employee's agreement. Activities must belong to the employee's service. */
export async function saveAgreement(
  db: Db,
  params: { employeeId: string; input: TAgreementInput; actor: TActor },
) {
  return db.transaction(async (tx) => {
    const [employee] = await tx
      .select({ id: employees.id, serviceCode: services.code, remoteEligible: employees.remoteEligible })
      .from(employees)
      .innerJoin(services, eq(services.id, employees.serviceId))
      .where(eq(employees.id, params.employeeId))
      .for('update', { of: employees });
    if (!employee) throw new CommandError('not_found', 'Employee not found');
    if (!employee.remoteEligible) {
      throw new CommandError('not_eligible', 'This job profile may not work remotely, so it cannot have an agreement');
    }
    const activityIds = [...new Set(params.input.activityIds)].sort((a, b) => a - b);
    if (activityIds.length > 0) {
      const found = await tx
        .select({ id: activities.id })
        .from(activities)
        .where(and(inArray(activities.id, activityIds), eq(activities.serviceCode, employee.serviceCode)));
      if (found.length !== activityIds.length) {
        throw new CommandError('invalid_activities', "Some activities do not belong to the employee's service");
      }
    }
    const values = { ...params.input, activityIds, technology: [...new Set(params.input.technology)].sort() };
    const [before] = await tx.select().from(agreements).where(eq(agreements.employeeId, params.employeeId));
    const [after] = before
      ? await tx.update(agreements).set(values).where(eq(agreements.id, before.id)).returning()
      : await tx.insert(agreements).values({ id: newId('agreement'), employeeId: params.employeeId, ...values }).returning();
    await writeAudit(tx, params.actor, {
      action: before ? 'agreement.update' : 'agreement.create',
      targetType: 'employee',
      targetId: params.employeeId,
      before: before ? pickAgreement(before) : null,
      after: pickAgreement(after!),
    });
    return after!;
  });
}

function pickAgreement(row: typeof agreements.$inferSelect) {
  const { daysPerWeek, technology, activityIds, startsOn, endsOn } = row;
  return { daysPerWeek, technology, activityIds, startsOn, endsOn };
}
