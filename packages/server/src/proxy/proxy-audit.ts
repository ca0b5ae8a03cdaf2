// The audit event of one proxied request (audit.md §8.5): the rack row's action, the most specific
// resource id known (refined by ids the rack answered with), and the status derived from the
// rack's answer. Env changes made through a release create become one event per key (§8.6).
import type { FastifyRequest } from 'fastify';
import type { RackMatch } from '../access/rack-routes.js';
import { appendLater, eventFor } from '../access/request-audit.js';
import { AuditUnavailableError, NOT_RECORDED_BEFORE } from '../audit/audit-errors.js';
import type { AuditEventInput, AuditLog } from '../audit/audit-log.js';
import type { AuditStatus, ResourceType } from '../audit/catalogue.js';
import type { EnvChange } from './env-rules.js';
import { proxyErrorOf } from './proxy-errors.js';
import type { RackTarget } from './rack-target.js';
import type { PolicyRefusal } from './request-policy.js';

export function statusOf(httpStatus: number): AuditStatus {
  if (httpStatus >= 500) return 'error';
  if (httpStatus >= 400) return 'failed';
  return 'success';
}

const LIST_ACTIONS = new Set([
  'app.list',
  'process.list',
  'build.list',
  'release.list',
  'instance.list',
]);

function resourceOf(match: RackMatch, learned: string | null): string {
  if (learned) return learned;
  if (LIST_ACTIONS.has(match.route.audit)) return match.params.app ?? 'all';
  const p = match.params;
  return (
    p.pid ??
    p.id ??
    p.name ??
    p.service ??
    p.app ??
    (match.route.path.startsWith('/system') ? 'rack' : 'all')
  );
}

export function proxyDetails(target: RackTarget): Record<string, unknown> {
  const params = target.match?.params ?? {};
  return {
    path: target.path.rawPath,
    ...(target.path.rawQuery ? { query: target.path.rawQuery } : {}),
    ...(params.app ? { app: params.app } : {}),
    ...(params.service ? { service: params.service } : {}),
    ...(target.match?.route.path.includes('/releases/{id}') && params.id
      ? { release: params.id }
      : {}),
  };
}

export interface ProxyOutcome {
  /** The status answered to the client; null for the attempt recorded before forwarding. */
  readonly httpStatus: number | null;
  readonly learnedId?: string | null;
  readonly extra?: Record<string, unknown>;
  /** Time to the rack's answer (fastify's reply.elapsedTime); 0 for socket events. */
  readonly elapsedMs?: number;
}

export function proxyEvent(
  request: FastifyRequest,
  target: RackTarget,
  outcome: ProxyOutcome,
): AuditEventInput {
  const match = target.match;
  if (match === null) throw new Error('proxyEvent needs a matched rack route');
  const action = match.route.audit;
  return eventFor(request, {
    action,
    status: outcome.httpStatus === null ? 'attempt' : statusOf(outcome.httpStatus),
    resource: resourceOf(match, outcome.learnedId ?? null).slice(0, 255),
    resourceType: action.split('.')[0] as ResourceType,
    rbacDecision: 'allow',
    httpStatus: outcome.httpStatus,
    responseTimeMs: Math.max(0, Math.round(outcome.elapsedMs ?? 0)),
    details: {
      ...proxyDetails(target),
      method: target.socket ? 'SOCKET' : request.method,
      ...outcome.extra,
    },
  });
}

/**
 * Step 8 for mutations (audit.md §6): the attempt is committed before anything reaches the rack, so
 * a crash at any later instant leaves it in the log ("outcome unknown" until its outcome names
 * it). A store that cannot take it refuses the mutation: nothing was forwarded. Resolves to the
 * attempt's sequence number (null without a chain), which the outcome carries as `attempt_seq`.
 */
export async function recordAttempt(
  audit: AuditLog,
  attempt: AuditEventInput,
): Promise<number | null> {
  try {
    return await audit.commit(attempt);
  } catch (err) {
    throw new AuditUnavailableError(NOT_RECORDED_BEFORE, err);
  }
}

/** The details linking an outcome to its attempt. */
export const attemptLink = (attemptSeq: number | null): Record<string, unknown> =>
  attemptSeq === null ? {} : { attempt_seq: attemptSeq };

/**
 * One call that reaches the rack. For a mutation `attempt` is committed first (null: a read,
 * nothing recorded before); if the call fails (rack unreachable, timeout, oversized body) its
 * outcome is recorded with the status the client gets. If even that cannot be recorded the attempt
 * stays "outcome unknown", which is the truth; the client still learns what the rack did.
 */
export async function afterAttempt<T>(
  audit: AuditLog,
  request: FastifyRequest,
  attempt: AuditEventInput | null,
  call: () => Promise<T>,
): Promise<{ readonly value: T; readonly attemptSeq: number | null }> {
  const attemptSeq = attempt === null ? null : await recordAttempt(audit, attempt);
  try {
    return { value: await call(), attemptSeq };
  } catch (err) {
    if (attempt !== null) {
      const httpStatus = proxyErrorOf(err, request.id).status;
      const outcome: AuditEventInput = {
        ...attempt,
        status: statusOf(httpStatus),
        httpStatus,
        details: { ...attempt.details, ...attemptLink(attemptSeq) },
      };
      await audit.append(outcome, { durable: true }).catch((failure: unknown) => {
        request.log.error(
          { err: failure, action: outcome.action },
          'mutation outcome not recorded',
        );
      });
    }
    throw err;
  }
}

/** One `env.*` / `secret.*` event per changed key; secret values are never recorded. */
export function envChangeEvents(
  request: FastifyRequest,
  app: string,
  releaseId: string,
  changes: readonly EnvChange[],
): AuditEventInput[] {
  return changes.map((c) => {
    const action = `${c.secret ? 'secret' : 'env'}.${c.kind}` as
      | 'env.set'
      | 'env.unset'
      | 'secret.set'
      | 'secret.unset';
    const value = (v: string | undefined) =>
      c.secret ? '[REDACTED]' : (v ?? null) === null ? null : String(v).slice(0, 256);
    return eventFor(request, {
      action,
      status: 'success',
      resource: `${app}/${c.key}`.slice(0, 255),
      details: { app, key: c.key, old: value(c.old), new: value(c.new), release_id: releaseId },
    });
  });
}

/** A request-policy refusal is audited `denied` with its reason, like every refusal of §10.2. */
export function auditPolicyRefusal(
  audit: AuditLog,
  request: FastifyRequest,
  refusal: PolicyRefusal,
): void {
  const target = request.rackTarget;
  const action = target?.match?.route.audit;
  if (!target || !action) return;
  const event = eventFor(request, {
    action,
    status: 'denied',
    resource: target.path.rawPath.slice(0, 255),
    resourceType: 'http',
    rbacDecision: 'deny',
    httpStatus: refusal.error.status,
    details: { ...proxyDetails(target), method: request.method, reason: refusal.reason },
  });
  appendLater(request, audit, event);
}
