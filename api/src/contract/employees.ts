import { z } from 'zod';
import { pageOf, ZPageQuery, ZQueryBoolean } from './common.js';

export const ZServiceRef = z.object({ code: z.string(), name: z.string() });

export const ZService = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    /** Staff counted in the remote-work plan (Annex 1). */
    plannedHeadcount: z.number().int(),
    employees: z.number().int(),
    eligible: z.number().int(),
  })
  .meta({ id: 'Service' });
export const ZServiceList = z.object({ items: z.array(ZService) }).meta({ id: 'ServiceList' });

export const EMPLOYEE_SORTS = ['name', '-name', 'service', '-service', 'directoryId', '-directoryId'] as const;

export const ZEmployeeListQuery = ZPageQuery.extend({
  q: z.string().trim().max(100).optional(),
  service: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter service code').optional(),
  eligible: ZQueryBoolean.optional(),
  active: ZQueryBoolean.optional(),
  sort: z.enum(EMPLOYEE_SORTS).default('name'),
});
export type TEmployeeListQuery = z.infer<typeof ZEmployeeListQuery>;

export const ZEmployeeRow = z
  .object({
    id: z.string(),
    directoryId: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    service: ZServiceRef,
    jobProfile: z.string(),
    remoteEligible: z.boolean(),
    active: z.boolean(),
  })
  .meta({ id: 'EmployeeRow' });
export type TEmployeeRow = z.infer<typeof ZEmployeeRow>;
export const ZEmployeePage = pageOf(ZEmployeeRow).meta({ id: 'EmployeePage' });
export type TEmployeePage = z.infer<typeof ZEmployeePage>;

export const TECHNOLOGIES = ['laptop', 'vpn', 'docking-kit', 'webcam', 'headset', 'mobile-router', 'softphone'] as const;
export const ZTechnology = z.enum(TECHNOLOGIES);

export const ZAgreement = z
  .object({
    id: z.string(),
    daysPerWeek: z.number().int(),
    technology: z.array(ZTechnology),
    activities: z.array(z.object({ id: z.number().int(), activity: z.string(), mode: z.string() })),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    isActive: z.boolean(),
  })
  .meta({ id: 'Agreement' });
export type TAgreement = z.infer<typeof ZAgreement>;

export const ZAgreementRequest = z
  .object({
    daysPerWeek: z.number().int().min(1).max(5),
    technology: z.array(ZTechnology).max(TECHNOLOGIES.length),
    activityIds: z.array(z.number().int().positive()).max(200),
    startsOn: z.iso.date(),
    endsOn: z.iso.date().nullable(),
  })
  .strict()
  .refine((v) => v.endsOn === null || v.endsOn >= v.startsOn, {
    message: 'endsOn must not be before startsOn',
    path: ['endsOn'],
  })
  .meta({ id: 'AgreementRequest' });
export type TAgreementRequest = z.infer<typeof ZAgreementRequest>;

/**
 * Eligibility is answered as codes with parameters, so the console can say "why" in either language.
 * Codes: profile-not-remote {profile}, profile-remote {profile}, inactive {},
 * service-remote-activities {service, remote, total}, agreement-active {startsOn, endsOn},
 * agreement-missing {}, agreement-expired {endsOn}, agreement-future {startsOn}.
 */
export const ZEligibilityReason = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});
export const ZEligibility = z
  .object({ eligible: z.boolean(), reasons: z.array(ZEligibilityReason) })
  .meta({ id: 'Eligibility' });
export type TEligibility = z.infer<typeof ZEligibility>;

export const ZEmployeeDetail = ZEmployeeRow.extend({
  firstName: z.string(),
  lastName: z.string(),
  legalCategory: z.string().nullable(),
  manager: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  eligibility: ZEligibility,
  agreement: ZAgreement.nullable(),
  serviceActivities: z.object({
    total: z.number().int(),
    smart: z.number().int(),
    partial: z.number().int(),
    presence: z.number().int(),
    outsourced: z.number().int(),
  }),
}).meta({ id: 'EmployeeDetail' });
export type TEmployeeDetail = z.infer<typeof ZEmployeeDetail>;

export const ZActivity = z
  .object({ id: z.number().int(), macroActivity: z.string(), activity: z.string(), mode: z.string() })
  .meta({ id: 'Activity' });
export const ZActivityList = z.object({ items: z.array(ZActivity) }).meta({ id: 'ActivityList' });
