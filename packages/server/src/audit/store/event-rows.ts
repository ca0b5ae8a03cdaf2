// Reading and writing `audit.audit_event` rows. Timestamps cross the wire as exact microsecond
// values (ISO text in, integer microseconds out) so that the stored row re-hashes identically.
import type { SqlRunner } from '../../db/database.js';
import type { ActorType, Channel } from '../audit-log.js';
import { HASHED_FIELDS, microsToIso, type StoredEvent } from '../chain/event-fields.js';
import { COUNT_INSERTED_SQL, COUNTED_COLUMNS } from './event-counts.js';

const SQL_TYPE: Readonly<Record<string, string>> = {
  text: 'text',
  int: 'bigint',
  time: 'text',
  uuid: 'uuid',
  bytes: 'text',
};

const COLUMNS = [...HASHED_FIELDS.map(([, , column]) => column), 'event_hash'];
const KINDS = [...HASHED_FIELDS.map(([, kind]) => kind), 'bytes'];

function selectExpr(kind: string, i: number): string {
  const c = `c${i}`;
  if (kind === 'time') return `${c}::timestamptz`;
  if (kind === 'bytes') return `decode(${c}, 'hex')`;
  if (kind === 'int') return `${c}`;
  return c;
}

/** The events and their counters (event-counts.ts) in one statement. */
const INSERT_SQL = `WITH ins AS (INSERT INTO audit.audit_event (${COLUMNS.join(', ')})
SELECT ${KINDS.map(selectExpr).join(', ')}
FROM unnest(${KINDS.map((k, i) => `$${i + 1}::${SQL_TYPE[k]}[]`).join(', ')})
  AS t(${KINDS.map((_, i) => `c${i}`).join(', ')})
RETURNING ${COUNTED_COLUMNS})
${COUNT_INSERTED_SQL}`;

function paramOf(kind: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'time') return microsToIso(value as number);
  if (kind === 'bytes') return Buffer.from(value as Uint8Array).toString('hex');
  if (kind === 'int') return String(value);
  return value;
}

/** Inserts `events` and adds them to the stats counters, with one multi-row statement. */
export async function insertEvents(tx: SqlRunner, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const fields = [...HASHED_FIELDS.map(([name, kind]) => [name, kind] as const)];
  const params: unknown[][] = fields.map(() => []);
  const hashes: unknown[] = [];
  for (const e of events) {
    fields.forEach(([name, kind], i) => {
      params[i]?.push(paramOf(kind, e[name]));
    });
    hashes.push(paramOf('bytes', e.eventHash));
  }
  await tx.query(INSERT_SQL, [...params, hashes]);
}

/** SELECT list producing the columns `rowToEvent` reads, for table alias `a`. */
export const eventSelect = (
  a: string,
): string => `${a}.chain_id, ${a}.seq::text AS seq, ${a}.key_id, ${a}.previous_hash,
  (extract(epoch FROM ${a}.ts) * 1000000)::bigint::text AS ts_us,
  (extract(epoch FROM ${a}.occurred_at) * 1000000)::bigint::text AS occurred_at_us,
  ${a}.event_id::text AS event_id, ${a}.actor_type, ${a}.user_id::text AS user_id, ${a}.user_email, ${a}.user_name,
  ${a}.api_token_id::text AS api_token_id, ${a}.api_token_name, ${a}.session_id::text AS session_id,
  ${a}.channel, ${a}.action_type, ${a}.action, ${a}.resource, ${a}.resource_type, ${a}.status, ${a}.rbac_decision,
  ${a}.http_status, ${a}.response_time_ms, ${a}.ip_address, ${a}.user_agent, ${a}.request_id,
  ${a}.deploy_approval_id::text AS deploy_approval_id,
  ${a}.terminal_session_id::text AS terminal_session_id, ${a}.command, ${a}.details, ${a}.event_hash`;

/** `eventSelect` for alias `e`. */
export const EVENT_SELECT = eventSelect('e');

export type EventRow = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bytes = (v: unknown): Buffer => Buffer.from(v as Uint8Array);

export type StoredEventRow = StoredEvent;

export function rowToEvent(r: EventRow): StoredEventRow {
  return {
    chainId: str(r.chain_id),
    seq: num(r.seq),
    keyId: str(r.key_id),
    previousHash: bytes(r.previous_hash),
    tsUs: num(r.ts_us),
    occurredAtUs: num(r.occurred_at_us),
    eventId: str(r.event_id),
    actorType: str(r.actor_type) as ActorType,
    userId: strOrNull(r.user_id),
    userEmail: str(r.user_email),
    userName: str(r.user_name),
    apiTokenId: strOrNull(r.api_token_id),
    apiTokenName: str(r.api_token_name),
    sessionId: strOrNull(r.session_id),
    channel: str(r.channel) as Channel,
    actionType: str(r.action_type),
    action: str(r.action),
    resource: str(r.resource),
    resourceType: str(r.resource_type),
    status: str(r.status),
    rbacDecision: str(r.rbac_decision),
    httpStatus: numOrNull(r.http_status),
    responseTimeMs: num(r.response_time_ms),
    ipAddress: str(r.ip_address),
    userAgent: str(r.user_agent),
    requestId: str(r.request_id),
    deployApprovalId: strOrNull(r.deploy_approval_id),
    terminalSessionId: strOrNull(r.terminal_session_id),
    command: str(r.command),
    details: str(r.details),
    eventHash: bytes(r.event_hash),
  };
}
