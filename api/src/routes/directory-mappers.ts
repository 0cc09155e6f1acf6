import type { TSyncRun } from '@varco/db';
import type { TDirectorySyncSettings } from '@varco/workers';
import { ZSyncPreview, type TDirectorySettings, type TSyncRunDetail, type TSyncRunSummary } from '../contract/directory.js';

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

export function toRunDetail(run: TSyncRun, extra: { estimatedEntries: number | null; preview: unknown }): TSyncRunDetail {
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
    disables: run.pendingDisables ?? null,
    preview: run.dryRun && preview.success ? preview.data : null,
    canConfirm: run.status === 'awaiting_confirmation' && (run.counts.disabled ?? listed) <= listed,
  };
}
