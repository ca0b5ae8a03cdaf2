// Row builders of the report: a measured metric per variant, or a per-round comparison of a
// gateway (or nginx) with a baseline variant — a ratio or a difference taken round by round, so
// that both sides of each comparison ran at the same time on the same machine.
import type { Results, Variant } from './results.ts';
import { type Summary, summarise } from './stats.ts';

export interface Limit {
  readonly op: '<=' | '>=';
  readonly value: number;
}

export interface Target {
  readonly text: string;
  readonly limits: Partial<Record<Variant, Limit>>;
}

export interface Row {
  readonly scenario: string;
  readonly measure: string;
  readonly cells: Partial<Record<Variant, Summary>>;
  readonly target?: string;
  /** Per variant with a limit: whether its median meets it. */
  readonly verdicts?: Partial<Record<Variant, boolean>>;
}

export interface Metric {
  readonly scenario: string;
  readonly metric: string;
}

function withTarget(row: Row, target: Target | undefined): Row {
  if (target === undefined) return row;
  const verdicts: Partial<Record<Variant, boolean>> = {};
  for (const [variant, limit] of Object.entries(target.limits) as [Variant, Limit][]) {
    const m = row.cells[variant]?.median;
    if (m === undefined) continue;
    verdicts[variant] = limit.op === '<=' ? m <= limit.value : m >= limit.value;
  }
  return { ...row, target: target.text, verdicts };
}

function cellsOf(
  variants: readonly Variant[],
  values: (v: Variant) => number[],
): Partial<Record<Variant, Summary>> {
  const cells: Partial<Record<Variant, Summary>> = {};
  for (const v of variants) {
    const s = summarise(values(v));
    if (s !== null) cells[v] = s;
  }
  return cells;
}

export function measured(
  r: Results,
  label: string,
  m: Metric & { measure: string; variants: readonly Variant[]; target?: Target },
): Row {
  const cells = cellsOf(m.variants, (v) => r.values(m.scenario, v, m.metric));
  return withTarget({ scenario: label, measure: m.measure, cells }, m.target);
}

/** Round by round: `combine(value of v, value of base)`; rounds missing either side are skipped. */
export function compared(
  r: Results,
  label: string,
  m: {
    metric: Metric;
    base: Variant;
    measure: string;
    variants: readonly Variant[];
    combine: (a: number, b: number) => number;
    baseMetric?: Metric;
    target?: Target;
  },
): Row {
  const baseMetric = m.baseMetric ?? m.metric;
  const cells = cellsOf(m.variants, (v) => {
    const a = r.values(m.metric.scenario, v, m.metric.metric);
    const b = r.values(baseMetric.scenario, m.base, baseMetric.metric);
    return a.slice(0, b.length).map((x, i) => m.combine(x, b[i] as number));
  });
  return withTarget({ scenario: label, measure: m.measure, cells }, m.target);
}

export const ratio = (a: number, b: number): number => a / b;
export const difference = (a: number, b: number): number => a - b;
