import type { TLocale } from '@varco/api/contract';

export type SlaState = 'overdue' | 'due-soon' | 'on-time';

export interface SlaStatus {
  state: SlaState;
  /** Hours past the target (overdue) or left before it (due-soon, on-time); never negative. */
  hours: number;
}

/** The last quarter of the target is "due soon": the queue shows it before it becomes late. */
const DUE_SOON_SHARE = 0.25;

/** Reads the queue's timers: `overdue` comes from the API, so the console and the API never disagree. */
export function slaStatus(item: { ageHours: number; slaHours: number; overdue: boolean }): SlaStatus {
  if (item.overdue) return { state: 'overdue', hours: Math.max(0, item.ageHours - item.slaHours) };
  const left = Math.max(0, item.slaHours - item.ageHours);
  return { state: left <= item.slaHours * DUE_SOON_SHARE ? 'due-soon' : 'on-time', hours: left };
}

/**
 * Hours as people say them: minutes under an hour, whole hours under two days, then days (and hours under a
 * week). Uses Intl unit formatting, so "3 giorni e 4 ore" / "3 days, 4 hours" need no catalogue entries.
 */
export function formatHours(locale: TLocale, hours: number): string {
  const unit = (value: number, name: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'long', maximumFractionDigits: 0 }).format(value);
  const safe = Math.max(0, hours);
  if (safe < 1) return unit(Math.round(safe * 60), 'minute');
  if (safe < 48) return unit(Math.round(safe), 'hour');
  const days = Math.floor(safe / 24);
  const rest = Math.round(safe - days * 24);
  if (days >= 7 || rest === 0) return unit(Math.round(safe / 24), 'day');
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format([unit(days, 'day'), unit(rest, 'hour')]);
}
