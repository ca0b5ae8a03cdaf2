// Builds audit events from a request (actor, channel, IP, User-Agent, request id) and appends them
// with the fail-closed rules of audit.md §6: mutations are durable (503 `audit_unavailable` when
// the store cannot take them), denials and reads are appended without waiting.
import type { FastifyRequest } from 'fastify';
import type { AuditEventInput, AuditLog } from '../audit/audit-log.js';
import { ServiceUnavailableError } from '../http/errors.js';

export type RequestEvent = Pick<AuditEventInput, 'action' | 'status'> & Partial<AuditEventInput>;

function actor(request: FastifyRequest): Omit<AuditEventInput, 'action' | 'status'> {
  const p = request.principal;
  if (p === null) return { actorType: 'anonymous', channel: 'web' };
  const token = p.token;
  return {
    actorType: token ? 'api_token' : 'user',
    channel: token ? 'token' : (p.session?.channel ?? 'web'),
    userId: p.user.uid,
    userEmail: p.user.email,
    userName: p.user.name,
    sessionId: p.session?.id ?? null,
    apiTokenId: token?.id ?? null,
    apiTokenName: token?.name ?? '',
  };
}

export function eventFor(request: FastifyRequest, event: RequestEvent): AuditEventInput {
  return {
    ...actor(request),
    occurredAt: request.startedAt,
    ipAddress: request.ip,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 512),
    requestId: request.id,
    ...event,
  };
}

/** For mutations: resolves once the event is committed; otherwise 503 `audit_unavailable`. */
export async function appendDurable(audit: AuditLog, event: AuditEventInput): Promise<void> {
  try {
    await audit.append(event, { durable: true });
  } catch (err) {
    throw new ServiceUnavailableError(
      'audit_unavailable',
      'The change was made but could not be recorded yet; it will be recorded when the audit store recovers.',
      err,
    );
  }
}

/**
 * For denials and socket events: enqueued without delaying the answer. An event the full queue
 * never took has been printed as an `audit_unflushed` line by the audit log; the failure is logged.
 */
export function appendLater(
  request: FastifyRequest,
  audit: AuditLog,
  event: AuditEventInput,
): void {
  audit.append(event, { durable: false }).catch((err: unknown) => {
    request.log.error({ err, action: event.action }, 'audit event could not be enqueued');
  });
}

/**
 * For reads (audit.md §6): enqueued before the answer is sent, never waiting for the commit. A full
 * queue holds the answer back up to 5 s (backpressure on the client), then the request fails with
 * 503 `audit_unavailable` and the event is printed as an `audit_unflushed` line.
 */
export async function appendRead(audit: AuditLog, event: AuditEventInput): Promise<void> {
  await audit.append(event, { durable: false });
}

/** Before a mutation: refuse with 503 when the audit store is unhealthy (audit.md §6). */
export function assertAuditHealthy(audit: AuditLog): void {
  if (!audit.healthy())
    throw new ServiceUnavailableError(
      'audit_unavailable',
      'The audit log cannot record changes right now; nothing was changed. Try again shortly.',
    );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request started (audit `occurred_at`), from the app clock. */
    startedAt: Date | undefined;
  }
}
