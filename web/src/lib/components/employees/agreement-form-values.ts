import type { TAgreement } from '@varco/api/contract';

/** The agreement form as the browser sends it: strings only, so a failed submission can be shown back as typed. */
export interface AgreementFormValues {
  daysPerWeek: string;
  technology: string[];
  activityIds: string[];
  startsOn: string;
  endsOn: string;
}

export const AGREEMENT_FIELDS = ['daysPerWeek', 'technology', 'activityIds', 'startsOn', 'endsOn'] as const;
export type AgreementField = (typeof AGREEMENT_FIELDS)[number];

export function agreementToFormValues(agreement: TAgreement | null, today: string): AgreementFormValues {
  if (!agreement) {
    return { daysPerWeek: '1', technology: [], activityIds: [], startsOn: today, endsOn: '' };
  }
  return {
    daysPerWeek: String(agreement.daysPerWeek),
    technology: [...agreement.technology],
    activityIds: agreement.activities.map((activity) => String(activity.id)),
    startsOn: agreement.startsOn.slice(0, 10),
    endsOn: agreement.endsOn?.slice(0, 10) ?? '',
  };
}
