import { z } from 'zod';
import { pageOf, ZPageQuery } from './common.js';

// Directory sync and leavers' deprovisioning. Directory text (names, DNs, values in problems) is untrusted: it
// travels here as plain strings and the console renders it escaped, never as HTML.

export const SYNC_MODES = ['full', 'incremental'] as const;
export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'awaiting_confirmation', 'cancelled'] as const;
/** The same list as the database's DEPROVISIONING_STEPS (this file must stay plain zod for the console). */
export const DEPROVISIONING_STEPS = ['revoke-certificates', 'disable-vpn', 'return-kit', 'release-extension'] as const;
export const STEP_STATUSES = ['pending', 'done', 'not-needed'] as const;

export const ZDirectorySettings = z
  .object({
    /** LDAP_URL and a base DN are set: connection tests and dry runs are possible. */
    configured: z.boolean(),
    /** LDAP_SYNC_ENABLED: the nightly schedule runs and runs may change staff. */
    enabled: z.boolean(),
    /** Null when not configured. Never contains the service account's password. */
    directory: z
      .object({
        url: z.string(),
        profile: z.enum(['openldap', 'ad']),
        bindDn: z.string(),
        baseDn: z.string(),
        filter: z.string(),
        pageSize: z.number().int(),
        startTls: z.boolean(),
        caFile: z.string().nullable(),
        timeoutMs: z.number().int(),
        attributes: z.record(z.string(), z.string()),
        service: z.string(),
        disabledMarker: z.string().nullable(),
        schedule: z.object({ pattern: z.string(), timezone: z.string() }),
        limits: z.object({ maxDisablePercent: z.number(), maxDisableCount: z.number().int() }),
      })
      .nullable(),
  })
  .meta({ id: 'DirectorySettings' });
export type TDirectorySettings = z.infer<typeof ZDirectorySettings>;

export const ZConnectionTestResult = z
  .object({
    ok: z.boolean(),
    /** On failure: not_configured, empty_result, bind_failed, unreachable, tls, no_such_base, size_limit, … */
    code: z.string().nullable(),
    message: z.string().nullable(),
    /** Entries seen on the first page (at most 50). */
    sampleEntries: z.number().int().nullable(),
  })
  .meta({ id: 'ConnectionTestResult' });
export type TConnectionTestResult = z.infer<typeof ZConnectionTestResult>;

export const ZStartSyncRun = z
  .object({ mode: z.enum(SYNC_MODES), dryRun: z.boolean() })
  .strict()
  .meta({ id: 'StartSyncRun' });
export type TStartSyncRun = z.infer<typeof ZStartSyncRun>;

export const ZConfirmSyncRun = z
  .object({
    /** How many people the confirmation screen listed; refused if the run's list has changed since. */
    acknowledgedDisables: z.number().int().min(0).max(1_000_000),
  })
  .strict()
  .meta({ id: 'ConfirmSyncRun' });
export type TConfirmSyncRun = z.infer<typeof ZConfirmSyncRun>;

export const ZCancelSyncRun = z
  .object({
    /** Why the held run is discarded (kept in the run and the audit log). */
    reason: z.string().trim().max(500).nullable().default(null),
  })
  .strict()
  .meta({ id: 'CancelSyncRun' });
export type TCancelSyncRun = z.input<typeof ZCancelSyncRun>;

export const ZSyncRunSummary = z
  .object({
    id: z.string(),
    mode: z.enum(SYNC_MODES),
    dryRun: z.boolean(),
    status: z.enum(SYNC_RUN_STATUSES),
    trigger: z.enum(['schedule', 'manual']),
    entriesRead: z.number().int(),
    /** created, updated, moved, disabled, reenabled, unchanged, errors, … (would-be counts for dry and held runs). */
    counts: z.record(z.string(), z.number()),
    /** Why it failed or stopped: a code (size_limit, empty_result, disable_limit, …) and a sentence. */
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
  })
  .meta({ id: 'SyncRunSummary' });
export type TSyncRunSummary = z.infer<typeof ZSyncRunSummary>;

export const ZSyncRunPage = pageOf(ZSyncRunSummary).meta({ id: 'SyncRunPage' });
export const ZSyncRunListQuery = ZPageQuery;

export const ZPendingDisable = z.object({ employeeId: z.string(), directoryId: z.string(), name: z.string(), reason: z.string() });
export type TPendingDisable = z.infer<typeof ZPendingDisable>;

/** People to disable shown per page on a run (the list itself holds up to 10,000). */
export const DISABLES_PAGE_SIZE = 100;

/** The run's list of people to disable: one page, optionally narrowed by a search on name or directory id. */
export const ZSyncRunDetailQuery = z.object({
  disablesPage: z.coerce.number().int().min(1).max(100_000).default(1),
  disablesSearch: z.string().trim().max(100).optional(),
});
export type TSyncRunDetailQuery = Partial<z.output<typeof ZSyncRunDetailQuery>>;

export const ZPendingDisables = pageOf(ZPendingDisable).extend({
  /** Everyone on the list (what a confirmation acknowledges); `total` counts those matching the search. */
  listed: z.number().int(),
  /** The whole list by reason (vanished, disabled_in_directory), whatever the search. */
  byReason: z.record(z.string(), z.number().int()),
});
export type TPendingDisables = z.infer<typeof ZPendingDisables>;

export const ZSyncPreview = z.object({
  create: z.array(z.object({ directoryId: z.string(), name: z.string(), serviceCode: z.string(), jobProfile: z.string() })),
  update: z.array(z.object({ directoryId: z.string(), changed: z.array(z.string()) })),
  reenable: z.array(z.object({ directoryId: z.string() })),
});
export type TSyncPreview = z.infer<typeof ZSyncPreview>;

export const ZSyncRunDetail = ZSyncRunSummary.extend({
  progress: z.object({
    /** The newest earlier full read's entry count: the bar's estimate while this run reads. */
    estimatedEntries: z.number().int().nullable(),
    /** 0–99 while running with an estimate; null when unknown (no estimate, or not running). */
    percent: z.number().int().nullable(),
  }),
  problems: z.array(z.object({ dn: z.string(), reason: z.string(), value: z.string().nullable() })),
  /** Held runs: who would be disabled; dry runs: who would have been disabled (one page of the list). */
  disables: ZPendingDisables.nullable(),
  /** Dry runs: some of the would-be creations, updates and re-enables (the counts are complete). */
  preview: ZSyncPreview.nullable(),
  canConfirm: z.boolean(),
}).meta({ id: 'SyncRunDetail' });
export type TSyncRunDetail = z.infer<typeof ZSyncRunDetail>;

export const ZDeprovisioningStep = z.object({
  step: z.enum(DEPROVISIONING_STEPS),
  status: z.enum(STEP_STATUSES),
  at: z.string().nullable(),
  note: z.string().nullable(),
});
export type TDeprovisioningStep = z.infer<typeof ZDeprovisioningStep>;

export const ZDeprovisioningCase = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'done']),
    /** vanished | disabled_in_directory */
    reason: z.string(),
    runId: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    employee: z.object({ id: z.string(), directoryId: z.string(), displayName: z.string(), serviceCode: z.string(), active: z.boolean() }),
    steps: z.array(ZDeprovisioningStep),
  })
  .meta({ id: 'DeprovisioningCase' });
export type TDeprovisioningCase = z.infer<typeof ZDeprovisioningCase>;

export const ZDeprovisioningPage = pageOf(ZDeprovisioningCase).meta({ id: 'DeprovisioningPage' });
export const ZDeprovisioningListQuery = ZPageQuery.extend({ status: z.enum(['open', 'done', 'all']).default('open') });
export type TDeprovisioningListQuery = z.infer<typeof ZDeprovisioningListQuery>;

export const ZMarkStepRequest = z
  .object({
    status: z.literal('done'),
    note: z.string().trim().max(1000).nullable().default(null),
  })
  .strict()
  .meta({ id: 'MarkStepRequest' });
export type TMarkStepRequest = z.infer<typeof ZMarkStepRequest>;

export const ZDeprovisioningStepParams = z.object({
  id: z.string().regex(/^dpv_[0-9a-z]{10,32}$/, 'must be an id starting with dpv_'),
  step: z.enum(DEPROVISIONING_STEPS),
});
