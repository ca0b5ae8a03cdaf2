// THE hook chain of every gateway route (access-control.md §8, "Order on gateway routes"):
// host/origin → route match → rate limit → authenticate → session-only → CSRF → MFA-state gate →
// permission → MFA level → audit pre-check → handler. Every step returns a Decision; the first
// denial is audited and answered through the one mapping in decision.ts. Handlers never re-check.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditAction } from '../audit/catalogue.js';
import type { Config } from '../config/types.js';
import { createHostCheck, createOriginCheck, hasSameOriginSource } from '../http/host-origin.js';
import { IDENTITY_HEADERS } from '../http/identity-headers.js';
import {
  type LimiterName,
  type RateLimitAuditThrottle,
  type RateLimiter,
  rateLimitHeaders,
  type Take,
} from '../http/rate-limit.js';
import type { CredentialContext } from '../identity/authenticate.js';
import type { CookieNames } from '../identity/cookies.js';
import type { Csrf } from '../identity/csrf.js';
import type { LimitedAuthenticator } from '../identity/limited-authenticate.js';
import type { MfaMethods } from '../identity/mfa-hooks.js';
import type { Clock } from '../lib/clock.js';
import {
  createProxySocketOriginCheck,
  destructiveGuard,
  refuseCookies,
  resolveProxyRoute,
} from '../proxy/proxy-guard.js';
import { refusesInBand } from '../proxy/proxy-plugin.js';
import { isWebSocketUpgrade } from '../proxy/rack-target.js';
import type { SettingValues } from '../settings/catalogue.js';
import {
  checkMfaLevel,
  checkMfaState,
  checkPermission,
  inlineAttempt,
  type Scope,
} from './access-checks.js';
import {
  ALLOW,
  type Decision,
  type Deny,
  denialDetails,
  denialError,
  deny,
  isNoCredential,
  isRejection,
} from './decision.js';
import type { Principal } from './principal.js';
import type { RackRoute } from './rack-routes.js';
import { appendLater, eventFor } from './request-audit.js';
import type { GatewayRoute } from './route-types.js';

export interface GuardDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly authenticate: LimitedAuthenticator;
  readonly csrf: Csrf;
  readonly cookies: CookieNames;
  readonly limiter: RateLimiter;
  readonly throttle: RateLimitAuditThrottle;
  readonly mfa: MfaMethods;
  readonly settings: () => Promise<SettingValues>;
}

/** What the access steps decided, for the handler (scope) and the audit step. */
export interface AccessState {
  readonly route: GatewayRoute;
  readonly scope: Scope;
  /** The inline MFA verification made on this request, if any. */
  readonly mfaVerified: { readonly method: string; readonly at: Date } | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerRouteGuard(app: FastifyInstance, deps: GuardDeps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('credential', null);
  app.decorateRequest('access', null);
  app.decorateRequest('startedAt', undefined);
  const hostCheck = createHostCheck(deps.config);
  const originCheck = createOriginCheck(deps.config);
  const socketOrigin = createProxySocketOriginCheck(deps.config);

  const refuse = (request: FastifyRequest, route: GatewayRoute | undefined, d: Deny): never => {
    auditDenial(deps, request, route, d);
    throw deliverable(request, denialError(d));
  };
  const enforce = (request: FastifyRequest, route: GatewayRoute | undefined, d: Decision) => {
    if (!d.allow) refuse(request, route, d);
  };

  /** The rack proxy catch-all becomes the matching rack row (access-control.md §10.2 steps 2-3). */
  const resolveRack = (request: FastifyRequest): { route: GatewayRoute; rack: RackRoute } => {
    const resolved = resolveProxyRoute(request);
    if ('deny' in resolved) {
      if (resolved.probe)
        request.log.info({ path: request.url }, 'convox client probe answered 404');
      else auditRouteDenied(deps, request);
      throw deliverable(request, denialError(resolved.deny as Deny));
    }
    return { route: resolved.row, rack: resolved.rack };
  };

  /** host/origin → route match → rate limit → authenticate; null when nothing more applies. */
  const admit = async (request: FastifyRequest): Promise<GatewayRoute | null> => {
    request.startedAt = deps.clock.now();
    for (const name of IDENTITY_HEADERS) delete request.headers[name];
    enforce(request, undefined, hostCheck(request));
    const declared = request.routeOptions.config?.policy;
    const proxiedSocket = declared?.rackProxy === true && isWebSocketUpgrade(request.headers);
    enforce(request, undefined, proxiedSocket ? socketOrigin(request) : originCheck(request));
    if (declared === undefined) return null; // no route: the 404 handler answers
    enforce(request, declared, rateLimit(deps, request, declared));
    if (declared.rackProxy) enforce(request, declared, refuseCookies(request, SESSION_COOKIES));
    enforce(request, declared, await authenticate(deps, request, declared));
    if (declared.permission !== 'public') return declared;
    request.access = { route: declared, scope: 'all', mfaVerified: null };
    return null;
  };

  /** session-only → CSRF → MFA-state gate → permission → destructive guard → MFA level → audit. */
  const authorize = async (
    request: FastifyRequest,
    principal: Principal,
    route: GatewayRoute,
    rack: RackRoute | null,
  ): Promise<void> => {
    if (route.sessionOnly && principal.kind !== 'session')
      refuse(request, route, deny('user_session_required'));
    enforce(request, route, checkCsrf(deps, request));
    enforce(request, route, checkMfaState(principal, route));
    const permission = checkPermission(principal, route, request.params as Record<string, string>);
    enforce(request, route, permission.decision);
    const settings = await deps.settings();
    if (rack) enforce(request, route, destructiveGuard(rack, settings.allow_destructive_actions));
    const level = await checkMfaLevel(principal, route, {
      mfa: deps.mfa,
      stepUpWindowMinutes: settings.mfa_step_up_window_minutes,
      inline: request.credential?.inline ?? null,
      now: request.startedAt ?? deps.clock.now(),
      attempt: inlineAttempt(request, route),
    });
    enforce(request, route, level.decision);
    const mutation = rack ? rack.mutation : isGatewayMutation(route);
    if (mutation && !deps.audit.healthy()) refuse(request, route, deny('audit_unavailable'));
    request.access = { route, scope: permission.scope, mfaVerified: level.verified };
  };

  const steps = async (request: FastifyRequest): Promise<void> => {
    const declared = await admit(request);
    if (declared === null) return;
    const principal = request.principal;
    if (principal === null) return refuse(request, declared, deny('unauthenticated'));
    const resolved = declared.rackProxy ? resolveRack(request) : { route: declared, rack: null };
    await authorize(request, principal, resolved.route, resolved.rack);
  };

  app.addHook('onRequest', async (request) => {
    try {
      await steps(request);
    } catch (err) {
      // Native convox CLI sockets get the refusal in-band after the upgrade (§5.6.2).
      if (!(err instanceof InBandRefusal)) throw err;
      request.deferredDenial = err.error;
    }
  });
}

/** Audited writes wait for a healthy audit store; reads and (log) sockets do not. */
const isGatewayMutation = (route: GatewayRoute): boolean =>
  !SAFE_METHODS.has(route.method) && route.method !== 'SOCKET' && route.audit !== null;

/** Session cookies of either name are refused on the rack proxy (identity.md §8). */
const SESSION_COOKIES = ['rgw_session', '__Host-rgw_session'];

class InBandRefusal extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

function deliverable(request: FastifyRequest, error: Error): Error {
  const proxied = request.routeOptions.config?.policy?.rackProxy === true;
  return proxied && refusesInBand(request) ? new InBandRefusal(error) : error;
}

/** An unknown rack path: `proxy.route_denied`, resource = path (audit.md §8.5). */
function auditRouteDenied(deps: GuardDeps, request: FastifyRequest): void {
  const event = eventFor(request, {
    action: 'proxy.route_denied',
    status: 'denied',
    resource: (request.rackTarget?.path.rawPath ?? pathOf(request)).slice(0, 255),
    resourceType: 'http',
    rbacDecision: 'deny',
    httpStatus: 404,
    details: {
      method: request.method,
      path: request.rackTarget?.path.rawPath ?? '',
      reason: 'route_not_allowed',
    },
  });
  appendLater(request, deps.audit, event);
}

function refusal(t: Extract<Take, { ok: false }>): Deny {
  return deny('rate_limit_exceeded', { headers: rateLimitHeaders(t) });
}

function rateLimit(deps: GuardDeps, request: FastifyRequest, route: GatewayRoute): Decision {
  if (route.rateLimit === undefined) return ALLOW;
  const taken = deps.limiter.take(route.rateLimit, request.ip);
  if (taken.ok) return ALLOW;
  auditRateLimit(deps, request, route.rateLimit, taken.limit);
  return refusal(taken);
}

async function authenticate(
  deps: GuardDeps,
  request: FastifyRequest,
  route: GatewayRoute,
): Promise<Decision> {
  const context = {
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    requestId: request.id,
    now: request.startedAt ?? deps.clock.now(),
  };
  const cookie = request.cookies[deps.cookies.session];
  const publicRoute = route.permission === 'public';
  const auth = await deps.authenticate(request.headers, cookie, context, publicRoute);
  if (auth.status === 'throttled') {
    auditRateLimit(deps, request, 'api', auth.refusal.limit);
    return refusal(auth.refusal);
  }
  if (auth.status === 'authenticated') {
    request.principal = auth.principal;
    request.credential = auth.credential;
    if (auth.credential.source === 'cookie' && auth.credential.sessionToken !== null)
      request.csrfTokenForPage = deps.csrf.tokenFor(auth.credential.sessionToken);
    return ALLOW;
  }
  // Public routes (login, the SPA and its assets) serve anonymous callers even with a stale
  // credential, and a stale cookie there does not count toward the `api` limits.
  if (auth.status === 'anonymous' || publicRoute) return ALLOW;
  return deny(auth.error);
}

/** CSRF on cookie-authenticated writes (identity.md §9), after the Origin/Referer rule (§11). */
function checkCsrf(deps: GuardDeps, request: FastifyRequest): Decision {
  const credential: CredentialContext | null = request.credential;
  if (credential?.source !== 'cookie' || SAFE_METHODS.has(request.method)) return ALLOW;
  if (!hasSameOriginSource(deps.config, request)) return deny('origin_required');
  const presented = request.headers['x-csrf-token'];
  const token = typeof presented === 'string' ? presented : undefined;
  if (credential.sessionToken === null || !deps.csrf.valid(credential.sessionToken, token))
    return deny('invalid_csrf_token');
  return ALLOW;
}

const pathOf = (request: FastifyRequest): string => (request.url.split('?')[0] ?? '').slice(0, 255);

function auditDenial(
  deps: GuardDeps,
  request: FastifyRequest,
  route: GatewayRoute | undefined,
  d: Deny,
): void {
  if (d.reason === 'rate_limit_exceeded') return; // audited, throttled, by the rate-limit step
  const httpStatus = denialError(d).status;
  if (isRejection(d)) {
    const event = eventFor(request, {
      action: 'request.rejected',
      status: 'denied',
      resource: pathOf(request),
      rbacDecision: 'deny',
      httpStatus,
      details: denialDetails(d, request.method),
    });
    appendLater(request, deps.audit, event);
    return;
  }
  if (route?.audit == null || isNoCredential(d)) return;
  const event = eventFor(request, {
    action: route.audit as AuditAction,
    status: 'denied',
    resource: pathOf(request),
    resourceType: 'http',
    rbacDecision: 'deny',
    httpStatus,
    details: denialDetails(d, request.method),
  });
  appendLater(request, deps.audit, event);
}

function auditRateLimit(
  deps: GuardDeps,
  request: FastifyRequest,
  limiter: LimiterName,
  limit: number,
): void {
  const suppressed = deps.throttle.shouldAudit(limiter, request.ip);
  if (suppressed === null) return;
  const event = eventFor(request, {
    action: 'rate_limit.exceeded',
    status: 'denied',
    resource: pathOf(request),
    httpStatus: 429,
    details: {
      limiter,
      limit: limiter === 'api' ? limit : deps.config.rateLimit.rps,
      burst: deps.config.rateLimit.burst,
      suppressed_count: suppressed,
    },
  });
  appendLater(request, deps.audit, event);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What identity learned about the presented credential; null for anonymous callers. */
    credential: CredentialContext | null;
    /** The access decision for this route (scope, inline MFA); null until the guard allowed. */
    access: AccessState | null;
  }
}
