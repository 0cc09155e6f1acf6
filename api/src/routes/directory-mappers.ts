import type { TSyncRun } from '@varco/db';
import type { TDirectorySyncSettings } from '@varco/workers';
import type { z } from 'zod';
import {
  DISABLES_PAGE_SIZE,
  ZSyncPreview,
  type TDirectorySettings,
  type TPendingDisable,
  type TPendingDisables,
  type TSyncRunDetail,
  type TSyncRunSummary,
  type ZSyncRunDetailQuery,
} from '../contract/directory.js';

/** The settings page's view: everything an admin needs to check, never the password. */
export function toSettingsView(settings: TDirectorySyncSettings | null | undefined): TDirectorySettings {
  if (!settings) return { configured: false, enabled: false, directory: null };
  const { config } = settings;
  return {
    configured: true,
    enabled: settings.enabled,
    directory: {
      url: config.url,
      profile: config.profile,
      bindDn: config.bindDn,
      baseDn: config.baseDn,
      filter: config.filter,
      pageSize: config.pageSize,
      startTls: config.startTls,
      caFile: config.caFile ?? null,
      timeoutMs: config.timeoutMs,
      attributes: { ...config.attributes },
      service: config.service.from === 'attribute' ? config.service.attribute : 'OU (DN)',
      disabledMarker: config.disabledMarker ? `${config.disabledMarker.attribute}=${config.disabledMarker.value}` : null,
      schedule: { ...settings.schedule },
      limits: { ...settings.limits },
    },
  };
}

/** `<code>: <sentence>` as stored by the commands. */
function splitFailure(failure: string | null): TSyncRunSummary['failure'] {
  if (!failure) return null;
  const cut = failure.indexOf(': ');
  return cut > 0 ? { code: failure.slice(0, cut), message: failure.slice(cut + 2) } : { code: 'failed', message: failure };
}

export function toRunSummary(run: TSyncRun): TSyncRunSummary {
  return {
    id: run.id,
    mode: run.mode,
    dryRun: run.dryRun,
    status: run.status,
    trigger: run.trigger,
    entriesRead: run.entriesRead,
    counts: run.counts,
    failure: splitFailure(run.failure),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
  };
}

/** One page of a run's list of people to disable, narrowed by a case-insensitive search on name or directory id. */
export function pageOfDisables(list: readonly TPendingDisable[], query: z.output<typeof ZSyncRunDetailQuery>): TPendingDisables {
  const needle = query.disablesSearch?.toLocaleLowerCase('it');
  const matching = needle
    ? list.filter((person) => person.name.toLocaleLowerCase('it').includes(needle) || person.directoryId.toLocaleLowerCase('it').includes(needle))
    : list;
  const byReason: Record<string, number> = {};
  for (const person of list) byReason[person.reason] = (byReason[person.reason] ?? 0) + 1;
  const start = (query.disablesPage - 1) * DISABLES_PAGE_SIZE;
  return {
    items: matching.slice(start, start + DISABLES_PAGE_SIZE),
    page: query.disablesPage,
    pageSize: DISABLES_PAGE_SIZE,
    total: matching.length,
    listed: list.length,
    byReason,
  };
}

export function toRunDetail(
  run: TSyncRun,
  extra: { estimatedEntries: number | null; preview: unknown; disables: z.output<typeof ZSyncRunDetailQuery> },
): TSyncRunDetail {
  const running = run.status === 'running';
  const percent =
    running && extra.estimatedEntries ? Math.min(99, Math.floor((run.entriesRead / extra.estimatedEntries) * 100)) : null;
  const listed = run.pendingDisables?.length ?? 0;
  const preview = ZSyncPreview.safeParse((extra.preview as { preview?: unknown } | null)?.preview);
  return {
    ...toRunSummary(run),
    progress: { estimatedEntries: running ? extra.estimatedEntries : null, percent },
    problems: run.problems.map(({ dn, message }) => {
      const cut = message.indexOf(': ');
      return cut > 0 ? { dn, reason: message.slice(0, cut), value: message.slice(cut + 2) } : { dn, reason: message, value: null };
    }),
    disables: run.pendingDisables ? pageOfDisables(run.pendingDisables, extra.disables) : null,
    preview: run.dryRun && preview.success ? preview.data : null,
    canConfirm: run.status === 'awaiting_confirmation' && (run.counts.disabled ?? listed) <= listed,
  };
}
