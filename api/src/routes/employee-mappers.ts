import type { getEmployee, listEmployees, schema } from '@varco/db';
import type { TAgreement, TEmployeeDetail, TEmployeeRow } from '../contract/employees.js';

type TRow = Awaited<ReturnType<typeof listEmployees>>['rows'][number];
type TDetail = NonNullable<Awaited<ReturnType<typeof getEmployee>>>;

export function toEmployeeRow(row: TRow): TEmployeeRow {
  return {
    id: row.id,
    directoryId: row.directoryId,
    displayName: `${row.firstName} ${row.lastName}`,
    email: row.email,
    service: { code: row.serviceCode, name: row.serviceName },
    jobProfile: row.jobProfile,
    remoteEligible: row.remoteEligible,
    active: row.active,
  };
}

export function toAgreement(
  agreement: typeof schema.agreements.$inferSelect,
  activities: { id: number; activity: string; mode: string }[],
  isActive: boolean,
): TAgreement {
  return {
    id: agreement.id,
    daysPerWeek: agreement.daysPerWeek,
    technology: agreement.technology as TAgreement['technology'],
    activities,
    startsOn: agreement.startsOn,
    endsOn: agreement.endsOn,
    isActive,
  };
}

export function toEmployeeDetail(found: TDetail): TEmployeeDetail {
  const { employee, service, profile, manager } = found;
  return {
    ...toEmployeeRow({ ...employee, serviceCode: service.code, serviceName: service.name }),
    firstName: employee.firstName,
    lastName: employee.lastName,
    legalCategory: profile.legalCategory,
    manager: manager ? { id: manager.id, displayName: `${manager.firstName} ${manager.lastName}` } : null,
    eligibility: { eligible: found.eligibility.eligible, reasons: found.eligibility.reasons },
    agreement: found.agreement ? toAgreement(found.agreement, found.agreementActivities, found.eligibility.agreementInForce) : null,
    serviceActivities: found.serviceActivities,
  };
}
