// What a run leaves behind: the JSON file (every per-round value, the table's rows, the machine
// and settings) and, with BENCH_WRITE_DOCS=1, the table in docs/performance.md between its markers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { BenchOptions } from './options.ts';
import type { Results } from './results.ts';
import type { Row } from './rows.ts';

export interface RunMeta {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly commit: string;
  readonly node: string;
  readonly cpus: string;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly nginx: string | null;
  readonly postgres: { version: string; fsync: string; synchronousCommit: string } | null;
}

export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? head : `${head} (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

export const machine = (): string => {
  const list = cpus();
  return `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}`;
};

export const load = (): number[] => loadavg().map((v) => Math.round(v * 100) / 100);

export function writeJson(
  path: string,
  doc: { meta: RunMeta; options: BenchOptions; rows: readonly Row[]; results: Results },
): void {
  mkdirSync(dirname(path), { recursive: true });
  const options = { ...doc.options, scenarios: [...doc.options.scenarios] };
  const body = {
    meta: doc.meta,
    options,
    rows: doc.rows,
    perRound: doc.results.scenarios,
    failures: doc.results.failures,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}

export function describeRun(meta: RunMeta, options: BenchOptions): string {
  const pg = meta.postgres
    ? `PostgreSQL ${meta.postgres.version} (fsync ${meta.postgres.fsync}, synchronous_commit ${meta.postgres.synchronousCommit})`
    : 'no PostgreSQL';
  return [
    `Run of ${meta.startedAt} at commit ${meta.commit}: ${meta.cpus}, load average ${meta.loadAverage.start.join(' ')} at the start.`,
    `${options.rounds} interleaved rounds of ${options.seconds} s per load measurement; ${meta.nginx ?? 'no nginx'}; ${pg}; Node ${meta.node}.`,
    'Cells: median over the rounds (min–max).',
  ].join('\n');
}

const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';

/** Replaces the text between the markers of `path`; false when the markers are missing. */
export function writeDocsTable(path: string, text: string): boolean {
  const doc = readFileSync(path, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a === -1 || b < a) return false;
  writeFileSync(path, `${doc.slice(0, a + START.length)}\n${text}\n${doc.slice(b)}`);
  return true;
}
