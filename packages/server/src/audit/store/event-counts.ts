// Event counters (audit.md §12, stats): `audit.event_count` holds, per chain, the number of events
// and their summed response time in minute, hour and day buckets (UTC), split by the dimensions the
// stats filters use most: user, status, action, action type, resource type. The chain writer adds
// each batch in its own transaction, so the counters always agree with the events; like the
// aggregated view they are derived and rebuildable (`audit rebuild-view`). Stats over any range
// then read a few hundred counter rows plus the events of the partial minutes at its two edges,
// instead of every event in the range.
import type { SqlRunner } from '../../db/database.js';

/** Bucket widths in minutes, widest first. */
export const COUNT_SPANS = [1440, 60, 1] as const;

/**
 * The counter rows of the events in `source` (alias e). Grouped in SQL: `lower()` decides which
 * e-mails share a user key exactly as the stats filter compares them, and an upsert must never
 * meet the same counter row twice.
 */
const countedFrom = (source: string, where = ''): string => `SELECT e.chain_id, s.span,
    (floor(extract(epoch FROM e.ts) / 60)::bigint / s.span) * s.span, lower(e.user_email),
    e.status, e.action, e.action_type, e.resource_type, count(*), sum(e.response_time_ms)
  FROM ${source} e CROSS JOIN unnest(ARRAY[${COUNT_SPANS.join(', ')}]) AS s(span) ${where}
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

const COUNTER_COLUMNS = `(chain_id, span_min, bucket, user_key, status, action, action_type,
  resource_type, events, sum_response_ms)`;

/**
 * Adds the events a data-modifying CTE named `ins` just inserted (its RETURNING list holds the
 * counted columns) to the counters, in the same statement as the insert: one round trip per batch.
 */
export const COUNT_INSERTED_SQL = `INSERT INTO audit.event_count AS c ${COUNTER_COLUMNS}
  ${countedFrom('ins')}
  ON CONFLICT (chain_id, span_min, bucket, user_key, status, action, action_type, resource_type)
  DO UPDATE SET events = c.events + EXCLUDED.events,
    sum_response_ms = c.sum_response_ms + EXCLUDED.sum_response_ms`;

/** The columns COUNT_INSERTED_SQL reads from `ins`. */
export const COUNTED_COLUMNS =
  'chain_id, ts, user_email, status, action, action_type, resource_type, response_time_ms';

/** Recreates the chain's counters from its events (inside the rebuild transaction). */
export async function rebuildCounts(tx: SqlRunner, chainId: string): Promise<void> {
  await tx.query('DELETE FROM audit.event_count WHERE chain_id = $1', [chainId]);
  await tx.query(
    `INSERT INTO audit.event_count ${COUNTER_COLUMNS}
     ${countedFrom('audit.audit_event', 'WHERE e.chain_id = $1')}`,
    [chainId],
  );
}

/** A half-open range of buckets of one width: minutes [from, to) with to = null for unbounded. */
export interface BucketRange {
  readonly span: number;
  readonly from: number;
  readonly to: number | null;
}

const floorTo = (v: number, span: number): number => Math.floor(v / span) * span;
const ceilTo = (v: number, span: number): number => Math.ceil(v / span) * span;

/**
 * Covers the whole minutes [lo, hi) (hi null: unbounded) with as few buckets as possible: the
 * widest buckets inside, narrower ones at the edges.
 */
export function coverMinutes(
  lo: number,
  hi: number | null,
  spans: readonly number[] = COUNT_SPANS,
): BucketRange[] {
  const [span, ...narrower] = spans;
  if (span === undefined || (hi !== null && hi <= lo)) return [];
  const start = ceilTo(lo, span);
  const end = hi === null ? null : floorTo(hi, span);
  if (end !== null && end <= start) return coverMinutes(lo, hi, narrower);
  return [
    ...coverMinutes(lo, start, narrower),
    { span, from: start, to: end },
    ...(end === null ? [] : coverMinutes(end, hi, narrower)),
  ];
}
