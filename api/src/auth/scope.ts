import { eq } from 'drizzle-orm';
import { schema, type Db, type TEmployeeScope, type TUser } from '@varco/db';

/**
 * Which employees a user may see: hot-line, IT managers and admins everyone; approvers their own service and
 * direct reports; employees themselves only. Enforced in SQL, so an id from another scope is simply "not found".
 */
export async function employeeScopeOf(db: Db, user: TUser): Promise<TEmployeeScope> {
  if (user.roles.some((role) => role === 'admin' || role === 'hotline' || role === 'it-manager' || role === 'hr')) return { kind: 'all' };
  if (!user.employeeId) return { kind: 'none' };
  if (user.roles.includes('approver')) {
    const [self] = await db
      .select({ serviceId: schema.employees.serviceId })
      .from(schema.employees)
      .where(eq(schema.employees.id, user.employeeId));
    if (self) return { kind: 'team', managerEmployeeId: user.employeeId, serviceId: self.serviceId };
  }
  return { kind: 'self', employeeId: user.employeeId };
}

/** Who may change an employee's agreement: admins anyone; approvers only their own direct reports. */
export function canEditAgreement(user: TUser, employee: { managerId: string | null; id: string }): boolean {
  if (user.roles.includes('admin')) return true;
  return user.roles.includes('approver') && user.employeeId !== null && employee.managerId === user.employeeId && employee.id !== user.employeeId;
}
