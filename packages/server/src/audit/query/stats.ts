// Stats of the audit API (audit.md §12): counts of the events matching the filters, whichever view
// is shown. Filters on user, status, action, action type, resource type and time are answered from
// the counters (store/event-counts.ts): whole buckets inside the range, plus the events of the
// partial minutes at its edges read through the time index. Any other filter (token, IP, resource,
// approval, search…) counts the matching events themselves, through whatever index serves it.
import type { SqlRunner } from '../../db/database.js';
import { type BucketRange, coverMinutes } from '../store/event-counts.js';
import { type AuditFilter, escapeLike, filterSql, rangeStart } from './filters.js';

export interface AuditStats {
  readonly total_events: number;
  readonly success: number;
  readonly failed: number;
  readonly denied: number;
  readonly error: number;
  readonly alert: number;
  readonly avg_response_ms: number;
}

export interface StatsRequest {
  readonly chainId: string;
  readonly filter: AuditFilter;
  readonly now: Date;
}

const OUTCOMES = ['success', 'failed', 'denied', 'error', 'alert'] as const;
const MINUTE_MS = 60_000;

/** The filters the counters are split by (plus time). */
const COUNTED: ReadonlySet<string> = new Set([
  'user',
  'statuses',
  'actionType',
  'action',
  'resourceType',
  'range',
  'start',
  'end',
]);

type Totals = { total: number; rt: number } & Record<(typeof OUTCOMES)[number], number>;

function totalsSql(count: string, rt: string): string {
  const by = (s: string) => `coalesce(${count} FILTER (WHERE t.status = '${s}'), 0)::text AS ${s}`;
  return `coalesce(${count}, 0)::text AS total, coalesce(sum(${rt}), 0)::text AS rt,
    ${OUTCOMES.map(by).join(', ')}`;
}

async function totals(db: SqlRunner, sql: string, params: unknown[]): Promise<Totals> {
  const r = (await db.query<Record<string, string>>(sql, params))[0] ?? {};
  const n = (k: string): number => Number(r[k] ?? 0);
  return {
    total: n('total'),
    rt: n('rt'),
    success: n('success'),
    failed: n('failed'),
    denied: n('denied'),
    error: n('error'),
    alert: n('alert'),
  };
}

const RAW_TOTALS = totalsSql('count(*)', 't.response_time_ms');

/** Counts the events themselves; `window` adds a time condition over `t.ts` (params appended). */
function rawTotals(
  db: SqlRunner,
  chainId: string,
  filter: AuditFilter,
  since: Date | null,
  window?: (p: unknown[]) => string,
): Promise<Totals> {
  const where = filterSql(filter, 'raw', since, chainId);
  const params = [...where.params];
  const extra = window === undefined ? '' : ` AND (${window(params)})`;
  return totals(
    db,
    `SELECT ${RAW_TOTALS} FROM audit.audit_event t WHERE ${where.sql}${extra}`,
    params,
  );
}

function counterFilters(filter: AuditFilter, params: unknown[]): string[] {
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const out: string[] = [];
  if (filter.user !== undefined) out.push(`t.user_key = ${add(filter.user)}`);
  if (filter.statuses !== undefined) out.push(`t.status = ANY(${add(filter.statuses)}::text[])`);
  if (filter.actionType !== undefined) out.push(`t.action_type = ${add(filter.actionType)}`);
  if (filter.resourceType !== undefined) out.push(`t.resource_type = ${add(filter.resourceType)}`);
  if (filter.action?.endsWith('.'))
    out.push(`t.action LIKE ${add(`${escapeLike(filter.action)}%`)}`);
  else if (filter.action !== undefined) out.push(`t.action = ${add(filter.action)}`);
  return out;
}

function counterTotals(
  db: SqlRunner,
  chainId: string,
  filter: AuditFilter,
  ranges: readonly BucketRange[],
): Promise<Totals> {
  const params: unknown[] = [chainId];
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const buckets = ranges.map(
    (r) =>
      `(t.span_min = ${add(r.span)} AND t.bucket >= ${add(r.from)}` +
      (r.to === null ? ')' : ` AND t.bucket < ${add(r.to)})`),
  );
  const where = ['t.chain_id = $1', `(${buckets.join(' OR ')})`, ...counterFilters(filter, params)];
  return totals(
    db,
    `SELECT ${totalsSql('sum(t.events)', 't.sum_response_ms')} FROM audit.event_count t
     WHERE ${where.join(' AND ')}`,
    params,
  );
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Events in [from, to) (to null: unbounded) or, with `toInclusive`, [from, to]. */
function span(from: number | null, to: number | null, toInclusive: boolean) {
  return (p: unknown[]): string => {
    const parts: string[] = [];
    if (from !== null) parts.push(`t.ts >= $${p.push(iso(from))}::timestamptz`);
    if (to !== null)
      parts.push(`t.ts ${toInclusive ? '<=' : '<'} $${p.push(iso(to))}::timestamptz`);
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  };
}

const sum = (a: Totals, b: Totals): Totals => ({
  total: a.total + b.total,
  rt: a.rt + b.rt,
  success: a.success + b.success,
  failed: a.failed + b.failed,
  denied: a.denied + b.denied,
  error: a.error + b.error,
  alert: a.alert + b.alert,
});

/** From the counters: whole minutes in [since, end]; the partial minutes at the edges from events. */
async function countedTotals(
  db: SqlRunner,
  chainId: string,
  filter: AuditFilter,
  since: number | null,
  end: number | null,
): Promise<Totals> {
  const { start: _start, end: _end, ...rest } = filter;
  const untimed: AuditFilter = { ...rest, range: 'all' };
  const lo = since === null ? 0 : Math.ceil(since / MINUTE_MS);
  const hi = end === null ? null : Math.floor(end / MINUTE_MS);
  if (hi !== null && hi <= lo) return rawTotals(db, chainId, untimed, null, span(since, end, true));
  const edges: ((p: unknown[]) => string)[] = [];
  if (since !== null && since < lo * MINUTE_MS) edges.push(span(since, lo * MINUTE_MS, false));
  if (end !== null && hi !== null) edges.push(span(hi * MINUTE_MS, end, true));
  const parts = [counterTotals(db, chainId, filter, coverMinutes(lo, hi))];
  if (edges.length > 0) {
    const window = (p: unknown[]) => edges.map((e) => `(${e(p)})`).join(' OR ');
    parts.push(rawTotals(db, chainId, untimed, null, window));
  }
  return (await Promise.all(parts)).reduce(sum);
}

export async function auditStats(db: SqlRunner, req: StatsRequest): Promise<AuditStats> {
  const since = rangeStart(req.filter, req.now);
  const counted = Object.keys(req.filter).every((k) => COUNTED.has(k));
  const t = counted
    ? await countedTotals(
        db,
        req.chainId,
        req.filter,
        since?.getTime() ?? null,
        req.filter.end?.getTime() ?? null,
      )
    : await rawTotals(db, req.chainId, req.filter, since);
  return {
    total_events: t.total,
    success: t.success,
    failed: t.failed,
    denied: t.denied,
    error: t.error,
    alert: t.alert,
    avg_response_ms: t.total === 0 ? 0 : Math.round(t.rt / t.total),
  };
}
