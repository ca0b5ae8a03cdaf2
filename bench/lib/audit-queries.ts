// The audit API's queries at volume: each case calls the same plain function the HTTP route calls
// (listAudit, auditStats) and reports the median wall time of a few runs, plus the plan of every
// SQL statement it sent (EXPLAIN ANALYZE). Used by the benchmarks after generateAuditVolume.
import type { QueryParams } from '../../packages/server/src/audit/query/filters.ts';
import { parseFilter } from '../../packages/server/src/audit/query/filters.ts';
import { listAudit } from '../../packages/server/src/audit/query/list.ts';
import { auditStats } from '../../packages/server/src/audit/query/stats.ts';
import type { SqlRunner } from '../../packages/server/src/db/database.ts';

export interface QueryCase {
  readonly name: string;
  readonly kind: 'list' | 'stats';
  readonly params: QueryParams;
  /** Start the list this many pages deep (follows next_cursor; not timed). */
  readonly pages?: number;
}

/**
 * The cases of issue 16: default list, deep pages, stats and search (grouped and raw), plus the
 * self scope (one user).
 */
export const AUDIT_QUERY_CASES: readonly QueryCase[] = [
  { name: 'list (default: grouped, 24h)', kind: 'list', params: {} },
  { name: 'list raw, all time', kind: 'list', params: { view: 'raw', range: 'all' } },
  {
    name: 'list raw, page 200',
    kind: 'list',
    params: { view: 'raw', range: 'all', limit: '50' },
    pages: 200,
  },
  { name: 'list grouped, page 200', kind: 'list', params: { range: 'all' }, pages: 200 },
  {
    name: 'list one user, raw 30d',
    kind: 'list',
    params: { view: 'raw', range: '30d', user: 'user3@example.com' },
  },
  { name: 'stats (default: 24h)', kind: 'stats', params: {} },
  { name: 'stats all time', kind: 'stats', params: { range: 'all' } },
  {
    name: 'stats one user, 30d',
    kind: 'stats',
    params: { range: '30d', user: 'user3@example.com' },
  },
  { name: 'search rare (grouped, all)', kind: 'list', params: { range: 'all', search: 'R12345' } },
  {
    name: 'search common (grouped, all)',
    kind: 'list',
    params: { range: 'all', search: 'app-07' },
  },
  {
    name: 'search no match (grouped, all)',
    kind: 'list',
    params: { range: 'all', search: 'zzqqxx' },
  },
  {
    name: 'search rare (raw, all)',
    kind: 'list',
    params: { view: 'raw', range: 'all', search: 'R12345' },
  },
  {
    name: 'search common (raw, all)',
    kind: 'list',
    params: { view: 'raw', range: 'all', search: 'app-07' },
  },
  {
    name: 'search no match (raw, all)',
    kind: 'list',
    params: { view: 'raw', range: 'all', search: 'zzqqxx' },
  },
];

export interface CaseResult {
  readonly name: string;
  readonly medianMs: number;
  readonly plans: readonly string[];
}

/** Records every statement sent, to EXPLAIN it afterwards. */
function recording(db: SqlRunner): {
  db: SqlRunner;
  sent: { text: string; params: readonly unknown[] }[];
} {
  const sent: { text: string; params: readonly unknown[] }[] = [];
  return {
    sent,
    db: {
      query: (text, params = []) => {
        sent.push({ text, params });
        return db.query(text, params);
      },
      exec: (script) => db.exec(script),
    },
  };
}

async function runCase(
  db: SqlRunner,
  chainId: string,
  c: QueryCase,
  cursor?: string,
): Promise<string | null> {
  const q = c.params;
  const filter = parseFilter(q);
  const view = q.view === 'raw' ? 'raw' : 'aggregated';
  const now = new Date();
  if (c.kind === 'stats') {
    await auditStats(db, { chainId, filter, now });
    return null;
  }
  const page = await listAudit(db, {
    chainId,
    filter,
    view,
    limit: Number(q.limit ?? 50),
    scope: 'all',
    now,
    ...(cursor ? { cursor } : {}),
  });
  return page.next_cursor;
}

async function deepCursor(
  db: SqlRunner,
  chainId: string,
  c: QueryCase,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let i = 0; i < (c.pages ?? 0); i++) {
    cursor = (await runCase(db, chainId, c, cursor)) ?? undefined;
    if (cursor === undefined) break;
  }
  return cursor;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

export async function measureAuditQueries(
  db: SqlRunner,
  chainId: string,
  cases: readonly QueryCase[] = AUDIT_QUERY_CASES,
  runs = 5,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    const cursor = await deepCursor(db, chainId, c);
    await runCase(db, chainId, c, cursor);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await runCase(db, chainId, c, cursor);
      times.push(performance.now() - t0);
    }
    const rec = recording(db);
    await runCase(rec.db, chainId, c, cursor);
    const plans: string[] = [];
    for (const s of rec.sent.filter((x) => !x.text.trimStart().startsWith('EXPLAIN'))) {
      const rows = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`,
        s.params,
      );
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    out.push({ name: c.name, medianMs: median(times), plans });
  }
  return out;
}
