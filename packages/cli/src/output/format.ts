// Text layouts of cli.md §9, shaped like the convox CLI prints them: tables (upper-case header,
// columns padded to the widest cell, two spaces apart, last column unpadded, no trailing spaces),
// info blocks (labels padded, multi-line values indented under the value column), humanised times
// and compact durations.

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  const last = headers.length - 1;
  return all
    .map((row) =>
      headers
        .map((_, col) =>
          col === last ? (row[col] ?? '') : (row[col] ?? '').padEnd(widths[col] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatInfo(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  const indent = ' '.repeat(width + 2);
  return rows
    .map(([label, value]) => {
      const [first = '', ...rest] = value.split('\n');
      const head = `${label.padEnd(width)}  ${first}`.trimEnd();
      return [head, ...rest.map((line) => `${indent}${line}`.trimEnd())].join('\n');
    })
    .join('\n');
}

const UNITS: readonly (readonly [string, number])[] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** `2 hours ago`, `in 3 days`, `now`; empty for a missing time. */
export function humanizeTime(time: Date | undefined, now: Date): string {
  if (time === undefined || Number.isNaN(time.getTime())) return '';
  const seconds = Math.round((now.getTime() - time.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 1) return 'now';
  for (const [unit, size] of UNITS) {
    if (abs < size) continue;
    const n = Math.floor(abs / size);
    const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
    return seconds >= 0 ? `${text} ago` : `in ${text}`;
  }
  return 'now';
}

/** `3m12s`, `45s`, `1h0m5s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** A date as `2025-01-15 12:00 UTC` for expiry messages. */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
