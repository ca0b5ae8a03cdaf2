// What one run measured: per scenario, variant and metric, one value per round (the median of the
// round's repetitions where a scenario repeats within a round), plus every failed request seen.

export const VARIANTS = ['direct', 'nginx', 'node', 'pglite', 'postgres'] as const;
export type Variant = (typeof VARIANTS)[number];
export const GATEWAYS = ['pglite', 'postgres'] as const;

export const VARIANT_LABEL: Readonly<Record<Variant, string>> = {
  direct: 'direct',
  nginx: 'nginx',
  node: 'bare Node.js proxy',
  pglite: 'gateway PGlite',
  postgres: 'gateway PostgreSQL',
};

export type Series = Record<string, number[]>;

export interface Failure {
  readonly scenario: string;
  readonly variant: Variant;
  readonly round: number;
  readonly count: number;
  readonly sample: string;
}

export class Results {
  readonly scenarios: Record<string, Partial<Record<Variant, Series>>> = {};
  readonly failures: Failure[] = [];

  add(scenario: string, variant: Variant, metric: string, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    const byVariant = this.scenarios[scenario] ?? {};
    this.scenarios[scenario] = byVariant;
    const series = byVariant[variant] ?? {};
    byVariant[variant] = series;
    const values = series[metric] ?? [];
    series[metric] = values;
    values.push(value);
  }

  values(scenario: string, variant: Variant, metric: string): number[] {
    return this.scenarios[scenario]?.[variant]?.[metric] ?? [];
  }

  fail(failure: Failure): void {
    this.failures.push(failure);
  }
}
