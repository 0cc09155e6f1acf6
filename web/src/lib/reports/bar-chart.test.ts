import { describe, expect, it } from 'vitest';
import { buildBarChart, monthsBetween, niceStep } from './bar-chart';

describe('monthsBetween', () => {
  it('fills the gaps across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('returns nothing for malformed or reversed input', () => {
    expect(monthsBetween('2026-3', '2026-05')).toEqual([]);
    expect(monthsBetween('2026-05', '2026-03')).toEqual([]);
  });
});

describe('niceStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(4)).toBe(1);
    expect(niceStep(9)).toBe(2);
    expect(niceStep(148)).toBe(50);
    expect(niceStep(200)).toBe(50);
    expect(niceStep(0)).toBe(1);
  });
});

describe('buildBarChart', () => {
  const rows = [
    { month: '2026-01', kind: 'laptop', count: 3 },
    { month: '2026-01', kind: 'vpn', count: 5 },
    { month: '2026-03', kind: 'laptop', count: 2 },
  ];
  const chart = buildBarChart(rows, {
    width: 400,
    height: 200,
    margin: { top: 0, right: 0, bottom: 0, left: 100 },
    kindOrder: ['vpn', 'laptop'],
    barShare: 0.5,
  });

  it('has one bar per month, empty months included', () => {
    expect(chart.bars.map((bar) => [bar.month, bar.total])).toEqual([
      ['2026-01', 8],
      ['2026-02', 0],
      ['2026-03', 2],
    ]);
    expect(chart.kinds).toEqual(['vpn', 'laptop']);
  });

  it('scales to a round maximum with ticks from zero', () => {
    expect(chart.maxValue).toBe(8);
    expect(chart.ticks.map((tick) => tick.value)).toEqual([0, 2, 4, 6, 8]);
    expect(chart.ticks[0]!.y).toBe(200);
    expect(chart.ticks.at(-1)!.y).toBe(0);
  });

  it('stacks the segments in kind order from the bottom up', () => {
    const [january] = chart.bars;
    expect(january!.x).toBe(125);
    expect(january!.width).toBe(50);
    expect(january!.centre).toBe(150);
    expect(january!.segments).toEqual([
      { kind: 'vpn', count: 5, y: 75, height: 125 },
      { kind: 'laptop', count: 3, y: 0, height: 75 },
    ]);
    expect(january!.top).toBe(0);
    expect(chart.bars[1]!.segments).toEqual([]);
    expect(chart.bars[1]!.top).toBe(200);
  });

  it('keeps a lone month’s bar narrow and centred', () => {
    const lone = buildBarChart([{ month: '2026-03', kind: 'laptop', count: 4 }], {
      width: 400,
      margin: { top: 0, right: 0, bottom: 0, left: 0 },
      maxBarWidth: 40,
    });
    expect(lone.bars[0]).toMatchObject({ width: 40, x: 180, centre: 200 });
  });

  it('draws nothing for no data', () => {
    const empty = buildBarChart([]);
    expect(empty.bars).toEqual([]);
    expect(empty.maxValue).toBe(1);
  });
});
