// The 30 hashed fields of an audit event (audit.md §3), in the order of the canonical encoding.
// Timestamps are whole microseconds since the Unix epoch so that what PostgreSQL stores and returns
// is exactly what was hashed.
import type { ActorType, Channel } from '../audit-log.js';

/** Everything a producer's event becomes before the chain writer assigns its position. */
export interface PendingFields {
  readonly occurredAtUs: number;
  readonly eventId: string;
  readonly actorType: ActorType;
  readonly userId: string | null;
  readonly userEmail: string;
  readonly userName: string;
  readonly apiTokenId: string | null;
  readonly apiTokenName: string;
  readonly sessionId: string | null;
  readonly channel: Channel;
  readonly actionType: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceType: string;
  readonly status: string;
  readonly rbacDecision: string;
  readonly httpStatus: number | null;
  readonly responseTimeMs: number;
  readonly ipAddress: string;
  readonly userAgent: string;
  readonly requestId: string;
  readonly deployApprovalId: string | null;
  readonly terminalSessionId: string | null;
  readonly command: string;
  /** Canonical JSON text of the (redacted) details object. */
  readonly details: string;
}

/** The fields assigned by the chain writer under the chain lock. */
export interface ChainPosition {
  readonly chainId: string;
  readonly seq: number;
  readonly keyId: string;
  readonly previousHash: Buffer;
  readonly tsUs: number;
}

export type EventFields = ChainPosition & PendingFields;

export interface StoredEvent extends EventFields {
  readonly eventHash: Buffer;
}

type FieldKind = 'text' | 'int' | 'time' | 'uuid' | 'bytes';

/** Field order and type of the version-1 encoding (audit.md §4.1). */
export const HASHED_FIELDS: readonly (readonly [keyof EventFields, FieldKind, string])[] = [
  ['chainId', 'text', 'chain_id'],
  ['seq', 'int', 'seq'],
  ['keyId', 'text', 'key_id'],
  ['previousHash', 'bytes', 'previous_hash'],
  ['tsUs', 'time', 'ts'],
  ['occurredAtUs', 'time', 'occurred_at'],
  ['eventId', 'uuid', 'event_id'],
  ['actorType', 'text', 'actor_type'],
  ['userId', 'uuid', 'user_id'],
  ['userEmail', 'text', 'user_email'],
  ['userName', 'text', 'user_name'],
  ['apiTokenId', 'uuid', 'api_token_id'],
  ['apiTokenName', 'text', 'api_token_name'],
  ['sessionId', 'uuid', 'session_id'],
  ['channel', 'text', 'channel'],
  ['actionType', 'text', 'action_type'],
  ['action', 'text', 'action'],
  ['resource', 'text', 'resource'],
  ['resourceType', 'text', 'resource_type'],
  ['status', 'text', 'status'],
  ['rbacDecision', 'text', 'rbac_decision'],
  ['httpStatus', 'int', 'http_status'],
  ['responseTimeMs', 'int', 'response_time_ms'],
  ['ipAddress', 'text', 'ip_address'],
  ['userAgent', 'text', 'user_agent'],
  ['requestId', 'text', 'request_id'],
  ['deployApprovalId', 'uuid', 'deploy_approval_id'],
  ['terminalSessionId', 'uuid', 'terminal_session_id'],
  ['command', 'text', 'command'],
  ['details', 'text', 'details'],
];

/** Microseconds → RFC 3339 UTC with six fraction digits (exact; what PostgreSQL parses back). */
export function microsToIso(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = us - ms * 1000;
  const base = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${base.slice(0, 23)}${String(micro).padStart(3, '0')}Z`;
}

export function dateToMicros(date: Date): number {
  return date.getTime() * 1000;
}
