// Turns a producer's AuditEventInput into the exact field values that will be hashed and stored:
// catalogue lookups, redaction (audit.md §10), NFC without NUL, length limits (§3), canonical IPs.
// Invalid identifiers are refused here, at the producer, so one bad event never fails a batch.
import { randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { AuditEventInput } from '../audit-log.js';
import { AUDIT_ACTIONS } from '../catalogue.js';
import { redactDetails, redactText } from '../redaction.js';
import { cleanText, detailsText } from './canonical-json.js';
import { dateToMicros, type PendingFields } from './event-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRUNCATED = '…[truncated]';
const INT4_MAX = 2_147_483_647;

export class InvalidAuditEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditEventError';
  }
}

function text(value: string | undefined, max: number): string {
  return [...cleanText(value ?? '')].slice(0, max).join('');
}

function truncatedText(value: string, max: number): string {
  const chars = [...cleanText(value)];
  if (chars.length <= max) return chars.join('');
  return chars.slice(0, max - TRUNCATED.length).join('') + TRUNCATED;
}

function uuid(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const lower = value.toLowerCase();
  if (!UUID.test(lower)) throw new InvalidAuditEventError(`${field} must be a UUID`);
  return lower;
}

/** IPv4 dotted; IPv6 in RFC 5952 form, lower-case; IPv4-mapped IPv6 as plain IPv4. */
export function canonicalIp(value: string | undefined): string {
  const ip = (value ?? '').trim();
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped?.[1] !== undefined) return mapped[1];
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  }
  return text(ip, 45);
}

function httpStatus(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 100 || value > 599) {
    throw new InvalidAuditEventError('httpStatus must be an integer between 100 and 599');
  }
  return value;
}

function resourceType(event: AuditEventInput): string {
  const rt = event.resourceType ?? AUDIT_ACTIONS[event.action].resourceType;
  if (rt === null) {
    throw new InvalidAuditEventError(`${event.action} needs an explicit resourceType`);
  }
  return rt;
}

/** Everything but the chain position, ready to hash. `now` is used when occurredAt is absent. */
export function normaliseEvent(event: AuditEventInput, now: Date): PendingFields {
  const spec = AUDIT_ACTIONS[event.action];
  if (spec === undefined) throw new InvalidAuditEventError(`unknown audit action ${event.action}`);
  return {
    occurredAtUs: dateToMicros(event.occurredAt ?? now),
    eventId: randomUUID(),
    actorType: event.actorType,
    userId: uuid(event.userId, 'userId'),
    userEmail: text(event.userEmail, 254),
    userName: text(event.userName, 200),
    apiTokenId: uuid(event.apiTokenId, 'apiTokenId'),
    apiTokenName: text(event.apiTokenName, 150),
    sessionId: uuid(event.sessionId, 'sessionId'),
    channel: event.channel,
    actionType: spec.type,
    action: event.action,
    resource: text(redactText(event.resource ?? ''), 255),
    resourceType: resourceType(event),
    status: event.status,
    rbacDecision: event.rbacDecision ?? '',
    httpStatus: httpStatus(event.httpStatus),
    responseTimeMs: Math.min(INT4_MAX, Math.max(0, Math.round(event.responseTimeMs ?? 0))),
    ipAddress: canonicalIp(event.ipAddress),
    userAgent: text(event.userAgent, 512),
    requestId: text(event.requestId, 64),
    deployApprovalId: uuid(event.deployApprovalId, 'deployApprovalId'),
    terminalSessionId: uuid(event.terminalSessionId, 'terminalSessionId'),
    command: truncatedText(redactText(event.command ?? ''), 2000),
    details: detailsText(redactDetails(event.details)),
  };
}
