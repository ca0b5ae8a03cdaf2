// The table as Markdown (readable in a terminal and in docs/performance.md): one row per measure,
// one column per variant with the median over the rounds and its range, then the target and
// whether each gateway's median meets it.
import { VARIANT_LABEL, VARIANTS, type Variant } from './results.ts';
import type { Row } from './rows.ts';
import type { Summary } from './stats.ts';

export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(2);
}

export function formatCell(s: Summary | undefined): string {
  if (s === undefined) return '';
  const m = formatNumber(s.median);
  return s.n > 1 && s.min !== s.max ? `${m} (${formatNumber(s.min)}–${formatNumber(s.max)})` : m;
}

const SHORT: Readonly<Record<Variant, string>> = {
  direct: 'direct',
  nginx: 'nginx',
  node: 'bare Node.js',
  pglite: 'PGlite',
  postgres: 'PostgreSQL',
};

function verdictText(row: Row): string {
  const entries = Object.entries(row.verdicts ?? {}) as [Variant, boolean][];
  return entries.map(([v, ok]) => `${SHORT[v]} ${ok ? 'met' : '**missed**'}`).join(', ');
}

const escapePipes = (s: string): string => s.replace(/\|/g, '\\|');

export function renderTable(rows: readonly Row[]): string {
  const used = VARIANTS.filter((v) => rows.some((r) => r.cells[v] !== undefined));
  const header = ['scenario', 'measure', ...used.map((v) => VARIANT_LABEL[v]), 'target', 'result'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  let previous = '';
  for (const row of rows) {
    const scenario = row.scenario === previous ? '' : row.scenario;
    previous = row.scenario;
    const cells = [
      scenario,
      row.measure,
      ...used.map((v) => formatCell(row.cells[v])),
      row.target ?? '',
      verdictText(row),
    ];
    lines.push(`| ${cells.map(escapePipes).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Met and missed targets, counted over every gateway verdict in the table. */
export function tally(rows: readonly Row[]): { met: number; missed: number } {
  let met = 0;
  let missed = 0;
  for (const r of rows)
    for (const ok of Object.values(r.verdicts ?? {})) {
      if (ok) met += 1;
      else missed += 1;
    }
  return { met, missed };
}
