// The access steps after authentication (access-control.md §6, §8; identity.md §14.1, §14.8):
// the MFA-state gate, the permission with self scope, and the MFA level. Each returns a Decision;
// nothing here answers HTTP.
import type { FastifyRequest } from 'fastify';
import type {
  AttemptContext,
  InlineMfa,
  InlineVerification,
  MfaMethods,
} from '../identity/mfa-hooks.js';
import { ALLOW, type Decision, type Deny, deny } from './decision.js';
import { grants } from './permissions.js';
import type { Principal } from './principal.js';
import { eventFor } from './request-audit.js';
import type { GatewayRoute, MfaLevel } from './route-types.js';

/** A pending web session (or a CLI session whose user must enrol) passes only preMfa routes. */
export function checkMfaState(principal: Principal, route: GatewayRoute): Decision {
  const state = principal.session?.mfaState;
  if (state === 'enrolment_required')
    return route.preMfa === 'any' ? ALLOW : deny('mfa_enrollment_required');
  if (state === 'challenge_pending')
    return route.preMfa !== undefined ? ALLOW : deny('mfa_challenge_required');
  return ALLOW;
}

export type Scope = 'all' | 'self';

/**
 * The route's permission, or its self permission restricted to the caller's own objects
 * (access-control.md §6.3): `:email` must be the caller's own; lists are filtered by the handler.
 */
export function checkPermission(
  principal: Principal,
  route: GatewayRoute,
  params: Readonly<Record<string, string | undefined>>,
): { decision: Decision; scope: Scope } {
  if (route.permission === 'public') return { decision: ALLOW, scope: 'all' };
  if (grants(principal.permissions, route.permission)) return { decision: ALLOW, scope: 'all' };
  const refused = {
    decision: deny('permission_denied', { permission: route.permission }),
    scope: 'self' as const,
  };
  if (route.selfPermission === undefined || !grants(principal.permissions, route.selfPermission))
    return refused;
  const email = params.email;
  if (email !== undefined && email.toLowerCase() !== principal.user.email) return refused;
  return { decision: ALLOW, scope: 'self' };
}

export interface MfaLevelContext {
  readonly mfa: MfaMethods;
  readonly stepUpWindowMinutes: number;
  readonly inline: InlineMfa | null;
  readonly now: Date;
  /** Who attempts an inline verification (attempt limits, `mfa.verify`). */
  readonly attempt: AttemptContext;
}

/** The attempt context of an inline value on `request` (purpose `cli_login` on CLI approval). */
export function inlineAttempt(request: FastifyRequest, route: GatewayRoute): AttemptContext {
  return {
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    purpose: route.audit === 'login.approve' ? 'cli_login' : 'inline',
    audit: eventFor(request, { action: 'mfa.verify', status: 'success' }),
  };
}

/** A refused inline value: too many attempts (429), a lock it caused (403), else 401. */
export function refusedInline(
  result: Pick<Extract<InlineVerification, { ok: false }>, 'reason' | 'retryAfterSeconds'>,
  level: MfaLevel,
  methods: readonly string[],
): Deny {
  if (result.reason === 'rate_limited')
    return deny('mfa_too_many_attempts', {
      headers: { 'retry-after': String(result.retryAfterSeconds ?? 60) },
    });
  if (result.reason === 'account_locked') return deny('account_locked');
  return deny('mfa_verification_failed', { level, methods, codeFailure: result.reason });
}

export type MfaLevelResult =
  | { readonly decision: Decision; readonly verified: null }
  | { readonly decision: Decision; readonly verified: { method: string; at: Date } };

/**
 * The MFA level of the route (identity.md §14.8). Without a confirmed method step-up and always
 * cannot be satisfied (403 `mfa_enrollment_required`) unless the route waives its level for such
 * callers. API tokens satisfy step-up by themselves; `always` needs a valid inline value.
 */
export async function checkMfaLevel(
  principal: Principal,
  route: GatewayRoute,
  ctx: MfaLevelContext,
): Promise<MfaLevelResult> {
  const level = route.mfa;
  if (level === 'none') return { decision: ALLOW, verified: null };
  const methods = await ctx.mfa.confirmedMethods(principal.user.id);
  if (methods.length === 0) {
    if (route.mfaWaivedWithoutMethods) return { decision: ALLOW, verified: null };
    return { decision: deny('mfa_enrollment_required', { level }), verified: null };
  }
  if (level === 'step_up' && withinStepUpWindow(principal, ctx))
    return { decision: ALLOW, verified: null };
  if (ctx.inline === null) {
    const reason = level === 'always' ? 'mfa_required' : 'mfa_step_up_required';
    return { decision: deny(reason, { level, methods }), verified: null };
  }
  const result = await ctx.mfa.verifyInline(
    principal.user.id,
    principal.session?.id ?? null,
    ctx.inline,
    ctx.attempt,
  );
  if (!result.ok) return { decision: refusedInline(result, level, methods), verified: null };
  return { decision: ALLOW, verified: { method: result.method, at: result.verifiedAt } };
}

function withinStepUpWindow(principal: Principal, ctx: MfaLevelContext): boolean {
  if (principal.token !== null) return true;
  const at = principal.session?.recentStepUpAt;
  if (at === null || at === undefined) return false;
  return ctx.now.getTime() - at.getTime() < ctx.stepUpWindowMinutes * 60_000;
}
