import { z } from 'zod';
import { pageOf, ZPageQuery } from './common.js';

export const REQUEST_KINDS = ['vpn', 'laptop', 'docking-kit', 'webcam', 'headset', 'mobile-router', 'softphone'] as const;
export const ZRequestKind = z.enum(REQUEST_KINDS).meta({ id: 'RequestKind' });
export const REQUEST_STATUSES = [
  'draft', 'submitted', 'awaiting_hr', 'approved', 'rejected', 'in_fulfilment', 'ready_for_installation', 'installed', 'delivered', 'closed', 'cancelled', 'returned', 'lost',
] as const;
export const ZRequestStatus = z.enum(REQUEST_STATUSES).meta({ id: 'RequestStatus' });
export const REQUEST_ACTIONS = ['submit', 'approve', 'hr-confirm', 'reject', 'start-fulfilment', 'mark-ready', 'mark-installed', 'accept', 'close', 'cancel', 'return', 'report-lost'] as const;
export const ZRequestAction = z.enum(REQUEST_ACTIONS).meta({ id: 'RequestAction' });

export const ZCreateRequest = z
  .object({
    /** Omit to request for yourself; the hot-line may file on an employee's behalf. */
    employeeId: z.string().regex(/^emp_[0-9a-z]{10,32}$/).optional(),
    kinds: z.array(ZRequestKind).min(1).max(REQUEST_KINDS.length),
    note: z.string().trim().max(2000).nullable().default(null),
  })
  .strict()
  .meta({ id: 'CreateRequest' });
export type TCreateRequest = z.infer<typeof ZCreateRequest>;

export const ZTransitionRequest = z
  .object({
    action: ZRequestAction,
    comment: z.string().trim().max(2000).nullable().default(null),
    /** Approve despite the eligibility rules; needs a comment. */
    override: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'TransitionRequest' });
export type TTransitionRequest = z.infer<typeof ZTransitionRequest>;

const ZAssetRef = z.object({ id: z.string(), type: z.string(), model: z.string(), serial: z.string(), assetTag: z.string() });

export const ZRequestItem = z
  .object({
    id: z.string(),
    kind: ZRequestKind,
    status: z.string(),
    asset: ZAssetRef.nullable(),
    certificateId: z.string().nullable(),
    checklist: z.array(z.object({ key: z.string(), done: z.boolean() })),
  })
  .meta({ id: 'RequestItem' });

export const ZRequestEvent = z
  .object({
    at: z.string(),
    actorName: z.string().nullable(),
    action: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    comment: z.string().nullable(),
  })
  .meta({ id: 'RequestEvent' });

export const ZRequestSummary = z
  .object({
    id: z.string(),
    number: z.string(),
    status: ZRequestStatus,
    employee: z.object({ id: z.string(), displayName: z.string(), serviceCode: z.string() }),
    kinds: z.array(ZRequestKind),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
  })
  .meta({ id: 'RequestSummary' });
export const ZRequestPage = pageOf(ZRequestSummary).meta({ id: 'RequestPage' });

export const ZRequestDetail = ZRequestSummary.extend({
  note: z.string().nullable(),
  eligibilityOverride: z.boolean(),
  items: z.array(ZRequestItem),
  events: z.array(ZRequestEvent),
  /** Who holds it now and which buttons the reader may press. */
  holder: z.enum(['employee', 'approver', 'hr', 'hotline', 'nobody']),
  actions: z.array(ZRequestAction),
  /** Why the rules would refuse it (empty when allowed); shown to approvers before they decide. */
  eligibilityProblems: z.array(z.string()),
  /** The same problems as codes with parameters (`profile-not-remote {profile}`…), for clients that translate. */
  eligibilityReasons: z.array(z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })),
  acceptance: z.unknown().nullable(),
}).meta({ id: 'RequestDetail' });
export type TRequestDetail = z.infer<typeof ZRequestDetail>;

export const ZRequestListQuery = ZPageQuery.extend({
  status: z.enum(REQUEST_STATUSES).optional(),
  employeeId: z.string().regex(/^emp_[0-9a-z]{10,32}$/).optional(),
});

export const ZQueueQuery = ZPageQuery.extend({ kind: ZRequestKind.optional(), mine: z.enum(['true', 'false']).optional() });
export const ZQueueItem = z
  .object({
    itemId: z.string(),
    kind: ZRequestKind,
    itemStatus: z.string(),
    requestId: z.string(),
    number: z.string(),
    status: ZRequestStatus,
    employeeName: z.string(),
    serviceCode: z.string(),
    submittedAt: z.string().nullable(),
    ageHours: z.number(),
    slaHours: z.number(),
    overdue: z.boolean(),
  })
  .meta({ id: 'QueueItem' });
export const ZQueuePage = pageOf(ZQueueItem).meta({ id: 'QueuePage' });

export const ZAssignAsset = z.object({ assetId: z.string().regex(/^ast_[0-9a-z]{10,32}$/) }).strict().meta({ id: 'AssignAsset' });
export const ZChecklistUpdate = z.object({ ticks: z.record(z.string().max(40), z.boolean()) }).strict().meta({ id: 'ChecklistUpdate' });

export const ASSET_TYPES = ['laptop', 'dock', 'screen', 'keyboard', 'mouse', 'webcam', 'headset', 'mobile-router'] as const;
export const ZAsset = z
  .object({ id: z.string(), type: z.enum(ASSET_TYPES), model: z.string(), serial: z.string(), assetTag: z.string(), status: z.string(), location: z.string().nullable(), assignedEmployeeId: z.string().nullable() })
  .meta({ id: 'Asset' });
export const ZAssetPage = pageOf(ZAsset).meta({ id: 'AssetPage' });
export const ZAssetQuery = ZPageQuery.extend({
  type: z.enum(ASSET_TYPES).optional(),
  status: z.enum(['in_stock', 'assigned', 'in_repair', 'retired']).optional(),
  q: z.string().trim().max(64).optional(),
});
export const ZAssetImport = z.object({ csv: z.string().min(1).max(2_000_000) }).strict().meta({ id: 'AssetImport' });
export const ZAssetImportResult = z
  .object({ imported: z.number().int(), problems: z.array(z.object({ line: z.number().int(), message: z.string() })) })
  .meta({ id: 'AssetImportResult' });

export function formatRequestNumber(number: number, createdAt: Date | string): string {
  return `R-${new Date(createdAt).getUTCFullYear()}-${String(number).padStart(6, '0')}`;
}

export const ZAssigneeRequest = z
  .object({ assigneeUserId: z.string().regex(/^usr_[0-9a-z]{10,32}$/).nullable() })
  .strict()
  .meta({ id: 'AssigneeRequest' });

/** A per-request refusal in a bulk answer, as in the error shape: a stable reason with parameters (see ZError). */
const ZRefusalFields = {
  reason: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
};

export const ZBulkTransition = z
  .object({
    requestIds: z.array(z.string().regex(/^req_[0-9a-z]{10,32}$/)).min(1).max(200),
    action: ZRequestAction,
    comment: z.string().trim().max(2000).nullable().default(null),
  })
  .strict()
  .meta({ id: 'BulkTransition' });
export const ZBulkResult = z
  .object({
    done: z.number().int(),
    failed: z.number().int(),
    results: z.array(z.object({ requestId: z.string(), ok: z.boolean(), code: z.string().optional(), message: z.string().optional(), ...ZRefusalFields })),
  })
  .meta({ id: 'BulkResult' });

export const ZRequestReports = z
  .object({
    openByState: z.array(z.object({ status: z.string(), count: z.number().int(), oldestHours: z.number().nullable() })),
    leadTimeByKind: z.array(z.object({ kind: z.string(), count: z.number().int(), medianHours: z.number() })),
    handedOutByMonth: z.array(z.object({ month: z.string(), kind: z.string(), count: z.number().int() })),
  })
  .meta({ id: 'RequestReports' });

export const ZMyKit = z
  .object({
    assets: z.array(z.object({ id: z.string(), type: z.string(), model: z.string(), serial: z.string(), assetTag: z.string(), assignedAt: z.string().nullable() })),
    certificates: z.array(z.object({ id: z.string(), commonName: z.string(), serialHex: z.string().nullable(), status: z.string(), notAfter: z.string().nullable(), assetId: z.string().nullable() })),
  })
  .meta({ id: 'MyKit' });
export type TMyKit = z.infer<typeof ZMyKit>;

/** Station certificates for the VPN items of many requests at once (server-key flow, queued like a single one). */
export const ZBulkCertificates = z
  .object({
    requestIds: z.array(z.string().regex(/^req_[0-9a-z]{10,32}$/)).min(1).max(50),
    keyType: z.enum(['ec-p256', 'rsa-2048']).default('ec-p256'),
  })
  .strict()
  .meta({ id: 'BulkCertificates' });
export type TBulkCertificates = z.input<typeof ZBulkCertificates>;
export const ZBulkCertificateResult = z
  .object({
    requestId: z.string(),
    /** The request's number (R-2026-000123) and employee, when the reader may see the request. */
    number: z.string().nullable(),
    employeeName: z.string().nullable(),
    /** Null when the request itself was refused (not found, no VPN item). */
    itemId: z.string().nullable(),
    ok: z.boolean(),
    certificateId: z.string().nullable(),
    /** Server-key flow: the PKCS#12 password, in this answer only and only when this call created the certificate. */
    oneTimePassword: z.string().nullable(),
    /** The item already had this certificate (a double click, a retried call): nothing new was queued. */
    replayed: z.boolean(),
    code: z.string().optional(),
    message: z.string().optional(),
    ...ZRefusalFields,
  })
  .meta({ id: 'BulkCertificateResult' });
export const ZBulkCertificatesResult = z
  .object({ done: z.number().int(), failed: z.number().int(), results: z.array(ZBulkCertificateResult) })
  .meta({ id: 'BulkCertificatesResult' });
export type TBulkCertificatesResult = z.infer<typeof ZBulkCertificatesResult>;
