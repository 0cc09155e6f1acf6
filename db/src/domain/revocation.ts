/**
 * RFC 5280 §5.3.1 reason codes as stored in `certificates.revocation_reason` (the engine writes the same numbers
 * into the CRL). certificateHold (6) is absent on purpose: a hold can be lifted, i.e. an "un-revocation".
 */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const;
export type TRevocationReasonName = keyof typeof REVOCATION_REASON_CODES;

export function revocationReasonName(code: number | null): TRevocationReasonName | null {
  if (code === null) return null;
  const found = Object.entries(REVOCATION_REASON_CODES).find(([, value]) => value === code);
  return found ? (found[0] as TRevocationReasonName) : 'unspecified';
}
