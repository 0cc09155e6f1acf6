/**
 * Every reason the kit request workflow refuses something, as a stable code with named parameters. The API puts
 * it in the error (`error.reason`, `error.params`) next to the English sentence, and the console translates the
 * code through its catalogue (`refusal.<code>`), so an Italian session never reads an English rule. Adding a
 * refusal means adding it here and in both catalogues (a unit test checks that).
 *
 * Parameters hold codes, not words: `kinds` and `boxes` are comma-separated (`vpn,laptop`), `status` and
 * `action` are the state machine's own names; the console turns each into its label.
 */
export const WORKFLOW_REFUSALS = {
  /** The step does not start from this state. */
  'illegal-transition': ['status', 'action'],
  /** Nobody approves or rejects their own request. */
  'own-request': [],
  'role-not-allowed': [],
  'comment-required': [],
  'override-needs-note': [],
  /** Approving outside the eligibility rules; `problems` lists the eligibility codes below, whose own parameters come along. */
  'not-eligible': ['problems'],
  'changed-meanwhile': [],
  'open-for-employee-or-hotline': [],
  'assets-missing': ['kinds'],
  'certificate-first': [],
  'checklist-incomplete': ['boxes'],
  'not-assignable-now': [],
  'assignee-not-hotline': [],
  'assets-only-in-fulfilment': [],
  'kind-takes-no-asset': ['kind'],
  'item-has-asset': [],
  'asset-not-in-stock': ['type'],
  'checklist-only-at-installation': [],
  'checklist-unknown-boxes': ['kind', 'boxes'],
  /** Station certificates of VPN items (the request's own rules; the PKI's are its own codes). */
  'certificate-only-vpn': [],
  'certificate-only-in-fulfilment': [],
  'laptop-first': [],
  'no-vpn-item': [],
} as const satisfies Record<string, readonly string[]>;

export type TWorkflowRefusalCode = keyof typeof WORKFLOW_REFUSALS;
export const WORKFLOW_REFUSAL_CODES = Object.keys(WORKFLOW_REFUSALS) as TWorkflowRefusalCode[];

/** Why the eligibility rules refuse a request (the `problems` of `not-eligible`). */
export const ELIGIBILITY_PROBLEMS = {
  'employee-missing': [],
  'employee-inactive': [],
  'profile-not-remote': ['profile'],
  'no-agreement-in-force': [],
  'technology-not-granted': ['kinds'],
} as const satisfies Record<string, readonly string[]>;

export type TEligibilityProblemCode = keyof typeof ELIGIBILITY_PROBLEMS;
export const ELIGIBILITY_PROBLEM_CODES = Object.keys(ELIGIBILITY_PROBLEMS) as TEligibilityProblemCode[];

export type TRefusalParams = Record<string, string | number>;

export interface TWorkflowRefusal {
  reason: TWorkflowRefusalCode;
  params: TRefusalParams;
}

export interface TEligibilityProblem {
  code: TEligibilityProblemCode;
  params: TRefusalParams;
  /** The rule in English, for the API's message and logs. */
  message: string;
}
