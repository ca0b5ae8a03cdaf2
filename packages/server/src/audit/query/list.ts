// List, stats, single event and chain status (audit.md §12) as plain functions over the database.
// Lists are newest first by `seq` (raw) or `last_seq` (aggregated) with keyset pagination.
import type { SqlRunner } from '../../db/database.js';
import { eventSelect } from '../store/event-rows.js';
import { decodeCursor, encodeCursor, filterHash } from './cursor.js';
import { type AuditFilter, type AuditView, filterSql, rangeStart } from './filters.js';
import {
  AGGREGATED_SELECT,
  OUTCOME_UNKNOWN_SQL,
  presentAggregated,
  presentEvent,
  presentEventWithHashes,
  rawRow,
} from './present.js';

export const EXACT_TOTAL_MAX = 100_000;

export interface ListRequest {
  readonly chainId: string;
  readonly filter: AuditFilter;
  readonly view: AuditView;
  readonly limit: number;
  readonly cursor?: string;
  /** `self` when the caller only sees their own events (the filter's user is forced). */
  readonly scope: string;
  readonly now: Date;
}

export interface ListPage {
  readonly items: Record<string, unknown>[];
  readonly next_cursor: string | null;
  readonly total: number;
  readonly total_is_estimate: boolean;
}

const TABLE: Readonly<Record<AuditView, string>> = {
  raw: 'audit.audit_event',
  aggregated: 'audit.audit_event_aggregated',
};
const KEY: Readonly<Record<AuditView, string>> = { raw: 't.seq', aggregated: 't.last_seq' };

async function countFiltered(
  db: SqlRunner,
  view: AuditView,
  where: { sql: string; params: unknown[] },
): Promise<{ total: number; estimate: boolean }> {
  const rows = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM (SELECT 1 FROM ${TABLE[view]} t WHERE ${where.sql} LIMIT ${EXACT_TOTAL_MAX + 1}) x`,
    where.params,
  );
  const exact = Number(rows[0]?.n ?? 0);
  if (exact <= EXACT_TOTAL_MAX) return { total: exact, estimate: false };
  const plan = await db.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${TABLE[view]} t WHERE ${where.sql}`,
    where.params,
  );
  const json = plan[0]?.['QUERY PLAN'];
  const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as [
    { Plan: { 'Plan Rows': number } },
  ];
  return { total: Math.max(exact, Math.round(parsed[0].Plan['Plan Rows'])), estimate: true };
}

export async function listAudit(db: SqlRunner, req: ListRequest): Promise<ListPage> {
  const hash = filterHash(req.filter, req.view, req.scope);
  const state = req.cursor === undefined ? null : decodeCursor(req.cursor, hash);
  const sinceMs =
    state === null ? (rangeStart(req.filter, req.now)?.getTime() ?? null) : state.since;
  const where = filterSql(
    req.filter,
    req.view,
    sinceMs === null ? null : new Date(sinceMs),
    req.chainId,
  );
  const select =
    req.view === 'raw' ? `${eventSelect('t')}, ${OUTCOME_UNKNOWN_SQL}` : AGGREGATED_SELECT;
  const params = [...where.params, state?.before ?? Number.MAX_SAFE_INTEGER, req.limit + 1];
  const rows = await db.query(
    `SELECT ${select} FROM ${TABLE[req.view]} t WHERE ${where.sql} AND ${KEY[req.view]} < $${params.length - 1}
     ORDER BY ${KEY[req.view]} DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, req.limit);
  const items =
    req.view === 'raw' ? page.map((r) => presentEvent(rawRow(r))) : page.map(presentAggregated);
  const last = items[items.length - 1];
  const lastKey = Number(req.view === 'raw' ? last?.seq : last?.last_seq);
  const next =
    rows.length > req.limit ? encodeCursor({ before: lastKey, since: sinceMs }, hash) : null;
  const { total, estimate } = await countFiltered(db, req.view, where);
  return { items, next_cursor: next, total, total_is_estimate: estimate };
}

export interface AuditStats {
  readonly total_events: number;
  readonly success: number;
  readonly failed: number;
  readonly denied: number;
  readonly error: number;
  readonly alert: number;
  readonly avg_response_ms: number;
}

export async function auditStats(
  db: SqlRunner,
  req: Omit<ListRequest, 'limit' | 'cursor' | 'scope'>,
): Promise<AuditStats> {
  const where = filterSql(req.filter, req.view, rangeStart(req.filter, req.now), req.chainId);
  const count = req.view === 'raw' ? '1' : 't.event_count';
  const sum = req.view === 'raw' ? 't.response_time_ms' : 't.sum_response_ms';
  const by = (s: string) =>
    `coalesce(sum(${count}) FILTER (WHERE t.status = '${s}'), 0)::text AS ${s}`;
  const rows = await db.query<Record<string, string | null>>(
    `SELECT coalesce(sum(${count}), 0)::text AS total, coalesce(sum(${sum}), 0)::text AS rt,
       ${['success', 'failed', 'denied', 'error', 'alert'].map(by).join(', ')}
     FROM ${TABLE[req.view]} t WHERE ${where.sql}`,
    where.params,
  );
  const r = rows[0] ?? {};
  const total = Number(r.total ?? 0);
  return {
    total_events: total,
    success: Number(r.success ?? 0),
    failed: Number(r.failed ?? 0),
    denied: Number(r.denied ?? 0),
    error: Number(r.error ?? 0),
    alert: Number(r.alert ?? 0),
    avg_response_ms: total === 0 ? 0 : Math.round(Number(r.rt ?? 0) / total),
  };
}

export async function eventBySeq(
  db: SqlRunner,
  chainId: string,
  seq: number,
): Promise<Record<string, unknown> | null> {
  const rows = await db.query(
    `SELECT ${eventSelect('t')}, ${OUTCOME_UNKNOWN_SQL} FROM audit.audit_event t
     WHERE t.chain_id = $1 AND t.seq = $2`,
    [chainId, seq],
  );
  return rows[0] === undefined ? null : presentEventWithHashes(rawRow(rows[0]));
}
