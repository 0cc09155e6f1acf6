/**
 * Geometry of the "kit handed out per month" chart: stacked bars, one per month, one segment per kind. Pure, so
 * the SVG component only draws what this returns (and the numbers are unit-tested, not eyeballed).
 */
export interface MonthKindCount {
  /** `YYYY-MM` */
  month: string;
  kind: string;
  count: number;
}

export interface BarSegment {
  kind: string;
  count: number;
  y: number;
  height: number;
}

export interface Bar {
  month: string;
  total: number;
  x: number;
  width: number;
  /** Centre of the bar, for the month label under it and the total above it. */
  centre: number;
  /** Top of the stack (where the total label sits). */
  top: number;
  segments: BarSegment[];
}

export interface BarChartGeometry {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  maxValue: number;
  ticks: { value: number; y: number }[];
  bars: Bar[];
  /** Kinds present in the data, in the order given by `kindOrder` (unknown kinds last, alphabetically). */
  kinds: string[];
}

export interface BarChartOptions {
  width?: number;
  height?: number;
  kindOrder?: readonly string[];
  margin?: { top: number; right: number; bottom: number; left: number };
  /** Share of each month's slot taken by its bar (the rest is the gap). */
  barShare?: number;
  /** A lone month should not become a wall: bars are never wider than this. */
  maxBarWidth?: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** Every month from `first` to `last` inclusive (`YYYY-MM`), so a month with nothing handed out shows as 0. */
export function monthsBetween(first: string, last: string): string[] {
  const a = MONTH.exec(first);
  const b = MONTH.exec(last);
  if (!a || !b) return [];
  const months: string[] = [];
  let year = Number(a[1]);
  let month = Number(a[2]);
  const endYear = Number(b[1]);
  const endMonth = Number(b[2]);
  while ((year < endYear || (year === endYear && month <= endMonth)) && months.length < 240) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** A round step (1, 2 or 5 × 10ⁿ) giving at most `maxTicks` intervals up to a value ≥ `max`. */
export function niceStep(max: number, maxTicks = 5): number {
  if (max <= 0) return 1;
  const rough = max / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  return Math.max(1, step);
}

export function buildBarChart(rows: readonly MonthKindCount[], options: BarChartOptions = {}): BarChartGeometry {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const margin = options.margin ?? { top: 24, right: 16, bottom: 40, left: 48 };
  const barShare = options.barShare ?? 0.6;
  const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };

  const valid = rows.filter((row) => MONTH.test(row.month) && Number.isFinite(row.count) && row.count > 0);
  const order = options.kindOrder ?? [];
  const rank = (kind: string) => {
    const index = order.indexOf(kind);
    return index === -1 ? order.length : index;
  };
  const kinds = [...new Set(valid.map((row) => row.kind))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const sortedMonths = [...new Set(valid.map((row) => row.month))].sort();
  const months = sortedMonths.length ? monthsBetween(sortedMonths[0]!, sortedMonths.at(-1)!) : [];

  const countOf = (month: string, kind: string) =>
    valid.filter((row) => row.month === month && row.kind === kind).reduce((sum, row) => sum + row.count, 0);
  const totals = months.map((month) => kinds.reduce((sum, kind) => sum + countOf(month, kind), 0));
  const step = niceStep(Math.max(0, ...totals));
  const maxValue = Math.max(step, Math.ceil(Math.max(0, ...totals) / step) * step);
  const plotHeight = plot.bottom - plot.top;
  const scale = (value: number) => (value / maxValue) * plotHeight;

  const ticks: { value: number; y: number }[] = [];
  for (let value = 0; value <= maxValue; value += step) ticks.push({ value, y: round(plot.bottom - scale(value)) });

  const slot = months.length ? (plot.right - plot.left) / months.length : 0;
  const barWidth = Math.min(slot * barShare, options.maxBarWidth ?? 72);
  const bars = months.map((month, index): Bar => {
    const x = plot.left + slot * index + (slot - barWidth) / 2;
    let base = plot.bottom;
    const segments: BarSegment[] = [];
    for (const kind of kinds) {
      const count = countOf(month, kind);
      if (count === 0) continue;
      const segmentHeight = scale(count);
      base -= segmentHeight;
      segments.push({ kind, count, y: round(base), height: round(segmentHeight) });
    }
    return {
      month,
      total: totals[index]!,
      x: round(x),
      width: round(barWidth),
      centre: round(x + barWidth / 2),
      top: round(base),
      segments,
    };
  });

  return { width, height, plot, maxValue, ticks, bars, kinds };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
