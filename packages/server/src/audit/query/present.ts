// API shapes of audit rows (response allowlists): raw events, the single event with its hashes,
// and aggregated rows. Exec rows of the aggregated view are shown as `process.exec`. Every row says
// whether it is a mutation's attempt whose outcome was never recorded (`outcome_unknown`): the
// gateway stopped while the rack had the request, so nobody knows whether it took effect. There is
// no grace period: an attempt is "outcome unknown" until its outcome lands (normally milliseconds).
import { microsToIso } from '../chain/event-fields.js';
import { fullEventJson, parseDetails } from '../stdout-lines.js';
import { rowToEvent, type StoredEventRow } from '../store/event-rows.js';

/**
 * SELECT expression over raw events (alias `t`): an attempt that no later event of the same
 * request names as its outcome (`details.attempt_seq`). The candidates come from the partial
 * index of outcomes (migration 0008), whose predicate the two conditions on `o.status` and
 * `o.details` repeat word for word so the planner can use it.
 */
export const OUTCOME_UNKNOWN_SQL = `(t.status = 'attempt' AND NOT EXISTS (
  SELECT 1 FROM audit.audit_event o WHERE o.chain_id = t.chain_id AND o.request_id = t.request_id
    AND o.status <> 'attempt' AND o.details LIKE '%"attempt_seq"%'
    AND o.seq > t.seq AND (o.details::json ->> 'attempt_seq') = t.seq::text
)) AS outcome_unknown`;

/** A raw event row selected with OUTCOME_UNKNOWN_SQL. */
export interface RawRow {
  readonly event: StoredEventRow;
  readonly outcomeUnknown: boolean;
}

export function rawRow(r: Record<string, unknown>): RawRow {
  return { event: rowToEvent(r), outcomeUnknown: r.outcome_unknown === true };
}

export function presentEvent(row: RawRow): Record<string, unknown> {
  const e = row.event;
  return {
    seq: e.seq,
    ts: microsToIso(e.tsUs),
    ...fullEventJson(e),
    outcome_unknown: row.outcomeUnknown,
  };
}

export function presentEventWithHashes(row: RawRow): Record<string, unknown> {
  const e = row.event;
  return {
    chain_id: e.chainId,
    key_id: e.keyId,
    previous_hash: e.previousHash.toString('hex'),
    event_hash: e.eventHash.toString('hex'),
    ...presentEvent(row),
  };
}

/** SELECT list of the aggregated view (alias `t`) feeding `presentAggregated`. */
export const AGGREGATED_SELECT = `t.id::text AS id, t.first_seq::text AS first_seq, t.last_seq::text AS last_seq,
  (extract(epoch FROM t.first_seen) * 1000000)::bigint::text AS first_seen_us,
  (extract(epoch FROM t.last_seen) * 1000000)::bigint::text AS last_seen_us,
  t.event_count, t.min_response_ms, t.max_response_ms, t.sum_response_ms::text AS sum_response_ms,
  t.user_id::text AS user_id, t.user_email, t.user_name, t.api_token_id::text AS api_token_id,
  t.api_token_name, t.channel, t.action_type, t.action, t.resource, t.resource_type, t.status,
  t.rbac_decision, t.http_status, t.ip_address, t.user_agent, t.command, t.details,
  t.deploy_approval_id::text AS deploy_approval_id, t.terminal_session_id::text AS terminal_session_id,
  t.exit_code, t.duration_ms::text AS duration_ms`;

const n = (v: unknown): number => Number(v);
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function presentAggregated(r: Record<string, unknown>): Record<string, unknown> {
  const count = n(r.event_count);
  return {
    id: n(r.id),
    first_seq: n(r.first_seq),
    last_seq: n(r.last_seq),
    first_seen: microsToIso(n(r.first_seen_us)),
    last_seen: microsToIso(n(r.last_seen_us)),
    event_count: count,
    min_response_ms: n(r.min_response_ms),
    max_response_ms: n(r.max_response_ms),
    avg_response_ms: count === 0 ? 0 : Math.round(n(r.sum_response_ms) / count),
    user_id: r.user_id ?? null,
    user_email: r.user_email,
    user_name: r.user_name,
    api_token_id: r.api_token_id ?? null,
    api_token_name: r.api_token_name,
    channel: r.channel,
    action_type: r.action_type,
    action: r.action === 'process.exec.open' ? 'process.exec' : r.action,
    resource: r.resource,
    resource_type: r.resource_type,
    status: r.status,
    // A pending attempt row: its outcome would have taken the row over (aggregate-fold.ts).
    outcome_unknown: r.status === 'attempt',
    rbac_decision: r.rbac_decision,
    http_status: nOrNull(r.http_status),
    ip_address: r.ip_address,
    user_agent: r.user_agent,
    command: r.command,
    details: parseDetails(String(r.details)),
    deploy_approval_id: r.deploy_approval_id ?? null,
    terminal_session_id: r.terminal_session_id ?? null,
    exit_code: nOrNull(r.exit_code),
    duration_ms: nOrNull(r.duration_ms),
  };
}
