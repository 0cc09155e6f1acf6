import type { TSyncRunSummary } from '@varco/api/contract';
import type { MessageKey } from '$lib/i18n';

/** The counts a run reports, in the order the console shows them. */
export const RUN_COUNTS = ['created', 'updated', 'moved', 'disabled', 'reenabled', 'unchanged', 'errors'] as const;
export type RunCount = (typeof RUN_COUNTS)[number];

export const COUNT_LABELS: Record<RunCount, MessageKey> = {
  created: 'directory.count.created',
  updated: 'directory.count.updated',
  moved: 'directory.count.moved',
  disabled: 'directory.count.disabled',
  reenabled: 'directory.count.reenabled',
  unchanged: 'directory.count.unchanged',
  errors: 'directory.count.errors',
};

export function statusTone(status: TSyncRunSummary['status']): 'success' | 'danger' | 'warning' | 'neutral' {
  if (status === 'succeeded') return 'success';
  if (status === 'failed') return 'danger';
  if (status === 'awaiting_confirmation') return 'warning';
  return 'neutral';
}

/** 850 → "0.9 s", 125000 → "2 min 5 s" (numbers through the locale's formatter). */
export function durationParts(ms: number): { minutes: number; seconds: number } {
  const totalSeconds = Math.round(ms / 100) / 10;
  return { minutes: Math.floor(totalSeconds / 60), seconds: Math.round((totalSeconds % 60) * 10) / 10 };
}
