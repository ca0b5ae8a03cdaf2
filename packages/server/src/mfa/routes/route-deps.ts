// Shared pieces of the MFA routes: their dependencies, the caller's session (every self-service
// route is session only), durable audit of the caller's changes, and the step-up expiry reported
// to clients (identity.md §14.8).
import type { FastifyRequest } from 'fastify';
import type { Principal, PrincipalSession } from '../../access/principal.js';
import { appendDurable, eventFor, type RequestEvent } from '../../access/request-audit.js';
import type { CookieNames } from '../../identity/cookies.js';
import type { Csrf } from '../../identity/csrf.js';
import type { MfaDeps } from '../mfa-deps.js';

export interface MfaRouteDeps extends MfaDeps {
  readonly cookies: CookieNames;
  readonly csrf: Csrf;
}

/** The signed-in caller of a session-only route (the guard has admitted only sessions). */
export function callerOf(request: FastifyRequest): Principal & { session: PrincipalSession } {
  const p = request.principal;
  if (p === null || p.session === null) throw new Error('MFA routes require a user session');
  return p as Principal & { session: PrincipalSession };
}

export const recordMfaEvent = (
  deps: MfaRouteDeps,
  request: FastifyRequest,
  event: RequestEvent,
): Promise<void> => appendDurable(deps.audit, eventFor(request, event));

export async function stepUpExpiry(deps: MfaRouteDeps, at: Date | null): Promise<string | null> {
  if (at === null) return null;
  const minutes = (await deps.settings()).mfa_step_up_window_minutes;
  return new Date(at.getTime() + minutes * 60_000).toISOString();
}
