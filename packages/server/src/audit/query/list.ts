// List and single event (audit.md §12) as plain functions over the database. Lists are newest
// first by `seq` (raw) or `last_seq` (aggregated) with keyset pagination: a page reads `limit + 1`
// rows below the cursor through the (chain_id, seq) / (chain_id, last_seq) index and never counts
// the filtered set (the stats route does that, from the counters).
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
  /** More items follow (next_cursor is set); the list never counts the filtered set. */
  readonly has_more: boolean;
}

const TABLE: Readonly<Record<AuditView, string>> = {
  raw: 'audit.audit_event',
  aggregated: 'audit.audit_event_aggregated',
};
const KEY: Readonly<Record<AuditView, string>> = { raw: 't.seq', aggregated: 't.last_seq' };

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
  return { items, next_cursor: next, has_more: next !== null };
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
