// Committed events as JSON lines on stdout for CloudWatch (audit.md §11); the SIEM webhook sends the
// same shape. Hashes are lower-case hex; details are the stored (redacted) object.
import type { PendingFields, StoredEvent } from './chain/event-fields.js';
import { microsToIso } from './chain/event-fields.js';

/** Stored details text as an object (`{}` if it were ever unparsable). */
export function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** The producer-supplied fields of an event as JSON, shared by stdout, webhook and the API. */
export function eventJson(e: PendingFields): Record<string, unknown> {
  return {
    event_id: e.eventId,
    user_email: e.userEmail,
    user_name: e.userName,
    api_token_id: e.apiTokenId,
    api_token_name: e.apiTokenName,
    channel: e.channel,
    action_type: e.actionType,
    action: e.action,
    resource: e.resource,
    resource_type: e.resourceType,
    status: e.status,
    rbac_decision: e.rbacDecision,
    http_status: e.httpStatus,
    response_time_ms: e.responseTimeMs,
    ip_address: e.ipAddress,
    user_agent: e.userAgent,
    request_id: e.requestId,
    command: e.command,
    details: parseDetails(e.details),
  };
}

export function stdoutShape(e: StoredEvent): Record<string, unknown> {
  return {
    log_type: 'audit',
    ts: microsToIso(e.tsUs),
    chain_id: e.chainId,
    seq: e.seq,
    event_hash: e.eventHash.toString('hex'),
    ...eventJson(e),
  };
}

/** Every producer-supplied field (the full event before the chain assigns its position). */
export function fullEventJson(e: PendingFields): Record<string, unknown> {
  return {
    occurred_at: microsToIso(e.occurredAtUs),
    actor_type: e.actorType,
    user_id: e.userId,
    session_id: e.sessionId,
    deploy_approval_id: e.deployApprovalId,
    terminal_session_id: e.terminalSessionId,
    ...eventJson(e),
  };
}

/** An event that could not be committed before shutdown: printed in full, never lost silently. */
export function unflushedShape(e: PendingFields): Record<string, unknown> {
  return { log_type: 'audit_unflushed', ...fullEventJson(e) };
}

export type LineWriter = (line: string) => void;

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};
