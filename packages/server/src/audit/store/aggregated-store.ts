// Storage of the aggregated view (audit.md §9): loads the rows a batch may fold into, then writes
// the plan with one INSERT and one UPDATE. Maintained inside the batch transaction; rebuildable.
import type { Database, SqlRunner } from '../../db/database.js';
import { microsToIso, type StoredEvent } from '../chain/event-fields.js';
import { lockChain } from '../chain/head.js';
import {
  actorKey,
  attemptSeqOf,
  existingRow,
  type FoldRow,
  type FoldState,
  type LatestRow,
  planFold,
} from './aggregate-fold.js';
import { rebuildCounts } from './event-counts.js';
import { EVENT_SELECT, rowToEvent } from './event-rows.js';

interface LatestDbRow {
  id: string;
  actor_key: string;
  group_key: string;
  last_seq: string;
  last_seen_us: string;
  terminal_session_id: string | null;
}

const LATEST_COLUMNS = `g.id::text AS id, g.actor_key, g.group_key, g.last_seq::text AS last_seq,
  (extract(epoch FROM g.last_seen) * 1000000)::bigint::text AS last_seen_us,
  g.terminal_session_id::text AS terminal_session_id`;

/**
 * The most recent row (pending attempts aside) of each actor in `$2`, one index probe per actor:
 * `DISTINCT ON … actor_key = ANY(…)` read every row those actors ever had, so each batch cost grew
 * with the size of the view.
 */
export const LATEST_ROWS_SQL = `SELECT l.* FROM unnest($2::text[]) AS a(actor_key) CROSS JOIN LATERAL (
  SELECT ${LATEST_COLUMNS} FROM audit.audit_event_aggregated g
  WHERE g.chain_id = $1 AND g.actor_key = a.actor_key AND g.status <> 'attempt'
  ORDER BY g.last_seq DESC LIMIT 1) l`;

const toLatest = (r: LatestDbRow): LatestRow => ({
  id: Number(r.id),
  actorKey: r.actor_key,
  groupKey: r.group_key,
  lastSeq: Number(r.last_seq),
  lastSeenUs: Number(r.last_seen_us),
});

async function loadState(
  tx: SqlRunner,
  chainId: string,
  events: readonly StoredEvent[],
): Promise<FoldState> {
  const actors = [...new Set(events.map(actorKey))];
  const sessions = [
    ...new Set(
      events
        .filter((e) => e.action === 'process.exec.close' && e.terminalSessionId !== null)
        .map((e) => e.terminalSessionId as string),
    ),
  ];
  const latestRows = await tx.query<Record<string, unknown>>(LATEST_ROWS_SQL, [chainId, actors]);
  const attemptSeqs = events.map(attemptSeqOf).filter((n): n is number => n !== null);
  // A pending attempt row has only its attempt, so its last_seq is the attempt's seq (indexed).
  const attemptRows =
    attemptSeqs.length === 0
      ? []
      : await tx.query<Record<string, unknown>>(
          `SELECT ${LATEST_COLUMNS} FROM audit.audit_event_aggregated g
           WHERE g.chain_id = $1 AND g.last_seq = ANY($2::bigint[]) AND g.status = 'attempt'`,
          [chainId, attemptSeqs],
        );
  const execRows =
    sessions.length === 0
      ? []
      : await tx.query<Record<string, unknown>>(
          `SELECT ${LATEST_COLUMNS} FROM audit.audit_event_aggregated g
           WHERE g.chain_id = $1 AND g.action = 'process.exec.open'
             AND g.terminal_session_id = ANY($2::uuid[])`,
          [chainId, sessions],
        );
  const byId = new Map<number, FoldRow>();
  const rowFor = (r: LatestDbRow): FoldRow => {
    const existing = byId.get(Number(r.id)) ?? existingRow(toLatest(r));
    byId.set(existing.id as number, existing);
    return existing;
  };
  const latest = new Map<string, FoldRow>();
  for (const r of latestRows as unknown as LatestDbRow[]) latest.set(r.actor_key, rowFor(r));
  const exec = new Map<string, FoldRow>();
  for (const r of execRows as unknown as LatestDbRow[]) {
    if (r.terminal_session_id !== null) exec.set(r.terminal_session_id, rowFor(r));
  }
  const attempts = new Map<number, FoldRow>();
  for (const r of attemptRows as unknown as LatestDbRow[])
    attempts.set(Number(r.last_seq), rowFor(r));
  return { latest, exec, attempts };
}

const INSERT_COLUMNS = [
  ['chain_id', 'text'],
  ['actor_key', 'text'],
  ['group_key', 'text'],
  ['first_seq', 'bigint'],
  ['last_seq', 'bigint'],
  ['first_seen', 'timestamptz'],
  ['last_seen', 'timestamptz'],
  ['event_count', 'integer'],
  ['min_response_ms', 'integer'],
  ['max_response_ms', 'integer'],
  ['sum_response_ms', 'bigint'],
  ['user_id', 'uuid'],
  ['user_email', 'text'],
  ['user_name', 'text'],
  ['api_token_id', 'uuid'],
  ['api_token_name', 'text'],
  ['channel', 'text'],
  ['action_type', 'text'],
  ['action', 'text'],
  ['resource', 'text'],
  ['resource_type', 'text'],
  ['status', 'text'],
  ['rbac_decision', 'text'],
  ['http_status', 'integer'],
  ['ip_address', 'text'],
  ['user_agent', 'text'],
  ['command', 'text'],
  ['details', 'text'],
  ['deploy_approval_id', 'uuid'],
  ['terminal_session_id', 'uuid'],
  ['exit_code', 'integer'],
  ['duration_ms', 'bigint'],
] as const;

const INSERT_SQL = `INSERT INTO audit.audit_event_aggregated (${INSERT_COLUMNS.map(([c]) => c).join(', ')})
SELECT * FROM unnest(${INSERT_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})`;

function insertValues(chainId: string, r: FoldRow): unknown[] {
  const e = r.first as StoredEvent;
  return [
    chainId,
    r.actorKey,
    r.groupKey,
    r.firstSeq,
    r.lastSeq,
    microsToIso(r.firstSeenUs),
    microsToIso(r.lastSeenUs),
    r.addCount,
    r.min ?? 0,
    r.max ?? 0,
    r.addSum,
    e.userId,
    e.userEmail,
    e.userName,
    e.apiTokenId,
    e.apiTokenName,
    e.channel,
    e.actionType,
    e.action,
    e.resource,
    e.resourceType,
    r.closeStatus ?? e.status,
    e.rbacDecision,
    e.httpStatus,
    e.ipAddress,
    e.userAgent,
    e.command,
    e.details,
    e.deployApprovalId,
    e.terminalSessionId,
    r.exitCode,
    r.durationMs,
  ];
}

const UPDATE_SQL = `UPDATE audit.audit_event_aggregated a SET
  event_count = a.event_count + u.n,
  min_response_ms = LEAST(a.min_response_ms, COALESCE(u.mn, a.min_response_ms)),
  max_response_ms = GREATEST(a.max_response_ms, COALESCE(u.mx, a.max_response_ms)),
  sum_response_ms = a.sum_response_ms + u.sm,
  last_seq = GREATEST(a.last_seq, u.ls),
  last_seen = GREATEST(a.last_seen, u.lseen),
  status = COALESCE(u.st, a.status),
  exit_code = CASE WHEN u.st IS NULL THEN a.exit_code ELSE u.ec END,
  duration_ms = CASE WHEN u.st IS NULL THEN a.duration_ms ELSE u.dm END
FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[],
  $7::timestamptz[], $8::text[], $9::integer[], $10::bigint[]) AS u(id, n, mn, mx, sm, ls, lseen, st, ec, dm)
WHERE a.id = u.id`;

/** An attempt row taken over by its outcome: every grouping field and the timings rewritten. */
const REPLACED = INSERT_COLUMNS.filter(
  ([c]) => !['chain_id', 'first_seq', 'first_seen', 'event_count'].includes(c),
);
const REPLACE_SQL = `UPDATE audit.audit_event_aggregated a SET event_count = a.event_count + u.n,
  ${REPLACED.map(([c]) => `${c} = u.${c}`).join(', ')}
FROM unnest($1::bigint[], $2::integer[], ${REPLACED.map(([, t], i) => `$${i + 3}::${t}[]`).join(', ')})
  AS u(id, n, ${REPLACED.map(([c]) => c).join(', ')})
WHERE a.id = u.id`;

async function writeReplaced(
  tx: SqlRunner,
  chainId: string,
  rows: readonly FoldRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = INSERT_COLUMNS.map(([c]) => c as string);
  const values = rows.map((r) => insertValues(chainId, r));
  await tx.query(REPLACE_SQL, [
    rows.map((r) => r.id),
    rows.map((r) => r.addCount),
    ...REPLACED.map(([c]) => values.map((v) => v[names.indexOf(c)])),
  ]);
}

async function writePlan(tx: SqlRunner, chainId: string, rows: readonly FoldRow[]): Promise<void> {
  const inserts = rows.filter((r) => r.id === null);
  const updates = rows.filter((r) => r.id !== null && !r.replace);
  await writeReplaced(
    tx,
    chainId,
    rows.filter((r) => r.replace),
  );
  if (inserts.length > 0) {
    const values = inserts.map((r) => insertValues(chainId, r));
    await tx.query(
      INSERT_SQL,
      INSERT_COLUMNS.map((_, i) => values.map((v) => v[i])),
    );
  }
  if (updates.length > 0) {
    const pick = (f: (r: FoldRow) => unknown): unknown[] => updates.map(f);
    await tx.query(UPDATE_SQL, [
      pick((r) => r.id),
      pick((r) => r.addCount),
      pick((r) => r.min),
      pick((r) => r.max),
      pick((r) => r.addSum),
      pick((r) => r.lastSeq),
      pick((r) => microsToIso(r.lastSeenUs)),
      pick((r) => r.closeStatus),
      pick((r) => r.exitCode),
      pick((r) => r.durationMs),
    ]);
  }
}

/** Folds committed `events` into the view (inside the batch transaction). */
export async function foldIntoView(
  tx: SqlRunner,
  chainId: string,
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const state = await loadState(tx, chainId, events);
  await writePlan(tx, chainId, planFold(events, state));
}

/**
 * `audit rebuild-view`: recreates the view and the counters from the raw events in one transaction
 * under the chain lock (writers wait meanwhile). Returns the number of events folded.
 */
export function rebuildView(db: Database, chainId: string, batchSize = 5000): Promise<number> {
  return db.transaction(async (tx) => {
    await lockChain(tx, chainId);
    await tx.query('DELETE FROM audit.audit_event_aggregated WHERE chain_id = $1', [chainId]);
    await rebuildCounts(tx, chainId);
    let after = 0;
    let total = 0;
    for (;;) {
      const rows = await tx.query(
        `SELECT ${EVENT_SELECT} FROM audit.audit_event e WHERE e.chain_id = $1 AND e.seq > $2
         ORDER BY e.seq LIMIT $3`,
        [chainId, after, batchSize],
      );
      if (rows.length === 0) return total;
      const events = rows.map(rowToEvent);
      await foldIntoView(tx, chainId, events);
      total += events.length;
      after = events[events.length - 1]?.seq ?? after;
    }
  });
}
