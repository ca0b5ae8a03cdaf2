// After a successful login challenge, enrolment confirm or verification (identity.md §6, §14.8):
// a pending web session is replaced by a verified one with a new token — new cookie, new CSRF
// token, `login.complete` — and any other session gets its step-up stamp. A requested trusted
// device is created for web sessions when the setting allows it (§14.7).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieOptions } from '../../identity/cookies.js';
import { isPendingMfa } from '../../identity/mfa-hooks.js';
import {
  completePendingWebSession,
  stampVerification,
} from '../../identity/sessions/session-verification.js';
import { createTrustedDevice } from '../trusted-devices.js';
import { callerOf, type MfaRouteDeps, recordMfaEvent } from './route-deps.js';

/** Rotates a pending web session or stamps the current one; returns the new CSRF token, if any. */
export async function completeSession(
  deps: MfaRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  at: Date,
): Promise<string | null> {
  const { session } = callerOf(request);
  if (session.channel !== 'web' || !isPendingMfa(session.mfaState)) {
    await stampVerification(deps.db, session.id, at, true);
    return null;
  }
  return deps.csrf.tokenFor(await completePendingWebSession(deps, request, reply, at));
}

/** Whether `trust_device` can be honoured for this caller (web session, devices enabled). */
export async function canTrustDevice(deps: MfaRouteDeps, request: FastifyRequest) {
  const ttl = (await deps.settings()).mfa_trusted_device_ttl_days;
  return ttl > 0 && callerOf(request).session.channel === 'web';
}

/** Creates a trusted device for this browser, sets its cookie and appends the event. */
export async function trustDevice(
  deps: MfaRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ id: string; expires_at: string }> {
  const ttlDays = (await deps.settings()).mfa_trusted_device_ttl_days;
  const { token, device } = await createTrustedDevice(deps.db, {
    userId: callerOf(request).user.id,
    userAgent: request.headers['user-agent'] ?? '',
    ip: request.ip,
    ttlDays,
    now: deps.clock.now(),
  });
  reply.setCookie(deps.cookies.trustedDevice, token, cookieOptions(deps.config, ttlDays * 86_400));
  await recordMfaEvent(deps, request, {
    action: 'trusted_device.create',
    status: 'success',
    resource: device.uid,
    details: { label: device.label, expires_at: device.expiresAt.toISOString() },
  });
  return { id: device.uid, expires_at: device.expiresAt.toISOString() };
}
