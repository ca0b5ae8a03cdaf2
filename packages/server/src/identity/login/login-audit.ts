// The audit events of the login flows (audit.md §8.1): login.start, login.failed with its reason,
// login.complete. Refusals by policy are `denied`; broken or stale requests are `failed`.
import type { FastifyRequest } from 'fastify';
import { appendDurable, appendLater, eventFor } from '../../access/request-audit.js';
import type { AuditEventInput, AuditLog } from '../../audit/audit-log.js';
import type { UserRecord } from '../users/user-store.js';
import type { LoginFailure } from './login-steps.js';
import { userActor } from './login-steps.js';

const DENIED = new Set<string>([
  'domain_not_allowed',
  'unknown_user',
  'user_locked',
  'user_suspended',
  'identity_mismatch',
  'denied',
]);

export function loginFailedEvent(
  request: FastifyRequest,
  channel: 'web' | 'cli',
  reason: LoginFailure | 'pkce_mismatch' | 'denied',
  email = '',
  idpDetail?: string,
): AuditEventInput {
  return eventFor(request, {
    action: 'login.failed',
    status: DENIED.has(reason) ? 'denied' : 'failed',
    resource: channel,
    userEmail: email,
    channel,
    details: { channel, reason, ...(idpDetail !== undefined ? { idp_detail: idpDetail } : {}) },
  });
}

export function auditLoginFailed(
  request: FastifyRequest,
  audit: AuditLog,
  channel: 'web' | 'cli',
  reason: LoginFailure | 'pkce_mismatch' | 'denied',
  email = '',
  idpDetail?: string,
): void {
  appendLater(request, audit, loginFailedEvent(request, channel, reason, email, idpDetail));
}

export function auditLoginStart(
  request: FastifyRequest,
  audit: AuditLog,
  channel: 'web' | 'cli',
  details: Record<string, unknown>,
  status: 'success' | 'error' = 'success',
): void {
  appendLater(
    request,
    audit,
    eventFor(request, {
      action: 'login.start',
      status,
      resource: channel,
      channel,
      details: { channel, ...details },
    }),
  );
}

export async function auditLoginComplete(
  request: FastifyRequest,
  audit: AuditLog,
  user: UserRecord,
  channel: 'web' | 'cli',
  session: {
    uid: string;
    mfa: 'not_required' | 'verified' | 'trusted_device';
    deviceName?: string;
  },
): Promise<void> {
  await appendDurable(
    audit,
    eventFor(request, {
      ...userActor(user, channel, session.uid),
      action: 'login.complete',
      status: 'success',
      resource: channel,
      details: {
        channel,
        session_id: session.uid,
        mfa: session.mfa,
        ...(session.deviceName ? { device_name: session.deviceName } : {}),
      },
    }),
  );
}
