/**
 * Remote-work eligibility, as the plan decides it (§2.1, Annex 1): the job profile must allow remote work,
 * the person must be active, and remote work starts only with an individual agreement in force.
 * Pure function: the API, the request workflow and tests share it.
 */
export interface TEligibilityInput {
  active: boolean;
  jobProfile: string;
  profileRemoteAllowed: boolean;
  serviceCode: string;
  serviceActivities: { total: number; remote: number };
  agreement: { startsOn: string; endsOn: string | null } | null;
  /** ISO date (YYYY-MM-DD) in Europe/Rome. */
  today: string;
}

export interface TEligibilityReason {
  code: string;
  params: Record<string, string | number | null>;
}

export interface TEligibility {
  /** May this person work remotely at all (profile and status)? */
  eligible: boolean;
  /** Is an agreement in force today (needed before any kit is issued)? */
  agreementInForce: boolean;
  reasons: TEligibilityReason[];
}

export function evaluateEligibility(input: TEligibilityInput): TEligibility {
  const reasons: TEligibilityReason[] = [];
  if (!input.active) reasons.push({ code: 'inactive', params: {} });
  reasons.push({
    code: input.profileRemoteAllowed ? 'profile-remote' : 'profile-not-remote',
    params: { profile: input.jobProfile },
  });
  reasons.push({
    code: 'service-remote-activities',
    params: { service: input.serviceCode, remote: input.serviceActivities.remote, total: input.serviceActivities.total },
  });
  const agreementReason = describeAgreement(input.agreement, input.today);
  reasons.push(agreementReason);
  const eligible = input.active && input.profileRemoteAllowed;
  return { eligible, agreementInForce: eligible && agreementReason.code === 'agreement-active', reasons };
}

function describeAgreement(agreement: TEligibilityInput['agreement'], today: string): TEligibilityReason {
  if (!agreement) return { code: 'agreement-missing', params: {} };
  if (agreement.startsOn > today) return { code: 'agreement-future', params: { startsOn: agreement.startsOn } };
  if (agreement.endsOn !== null && agreement.endsOn < today) {
    return { code: 'agreement-expired', params: { endsOn: agreement.endsOn } };
  }
  return { code: 'agreement-active', params: { startsOn: agreement.startsOn, endsOn: agreement.endsOn } };
}

/** Today's date in the city's time zone, so an agreement ending "today" is still in force until midnight in Rome. */
export function todayInRome(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(now);
}
