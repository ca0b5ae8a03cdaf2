// Browser login (identity.md §3): `GET /auth/web/login` stores a login state (state, nonce, PKCE
// verifier, returnTo, binding cookie) and redirects to the IdP; `GET /auth/web/callback` runs the
// callback steps and redirects to the error page, the MFA pages or `returnTo`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import { registerRoute } from '../../http/register-route.js';
import { type CookieNames, cookieOptions, LOGIN_COOKIE_MAX_AGE } from '../cookies.js';
import { IdpUnavailableError } from '../oidc/oidc-client.js';
import { randomToken, sha256Hex } from '../secrets.js';
import { auditLoginComplete, auditLoginFailed, auditLoginStart } from './login-audit.js';
import { claimCallback, findByIdpState, insertLoginState } from './login-state-store.js';
import { finishIdpLeg, type LoginDeps, type LoginFailure } from './login-steps.js';
import { safeReturnTo } from './return-to.js';

export interface WebLoginDeps extends LoginDeps {
  readonly audit: AuditLog;
  readonly cookies: CookieNames;
}

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2048 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  error: Type.Optional(Type.String({ maxLength: 512 })),
});
const LoginQuery = Type.Object({ returnTo: Type.Optional(Type.String()) });

export const errorPage = (reason: string): string =>
  `/app/auth/error?reason=${encodeURIComponent(reason)}`;

/** Where a new web session goes next (identity.md §3 table, MFA rows included). */
export function afterLogin(mfaState: string, returnTo: string): string {
  const r = encodeURIComponent(returnTo);
  if (mfaState === 'enrolment_required')
    return `/app/account/security?enrollment=required&redirect=${r}`;
  if (mfaState === 'challenge_pending') return `/app/auth/mfa?redirect=${r}`;
  return returnTo;
}

/**
 * Starts an IdP leg: fresh state, nonce, PKCE verifier and binding value, and the IdP's
 * authorization URL for `kind`'s callback — or null when the IdP cannot be reached.
 */
export async function newIdpLeg(deps: LoginDeps, request: FastifyRequest, kind: 'web' | 'cli') {
  const state = randomToken();
  const binding = randomToken();
  const idp = {
    stateHash: sha256Hex(state),
    bindingHash: sha256Hex(binding),
    nonce: randomToken(),
    codeVerifier: randomToken(32),
  };
  try {
    const url = await deps.oidc.authorizationUrl({
      redirectUri: `${deps.config.server.publicUrl.origin}/api/v1/auth/${kind}/callback`,
      state,
      nonce: idp.nonce,
      codeVerifier: idp.codeVerifier,
    });
    return { state, binding, idp, url };
  } catch (err) {
    if (!(err instanceof IdpUnavailableError)) throw err;
    request.log.warn({ err: err.message }, 'login: identity provider unavailable');
    return null;
  }
}

async function startWebLogin(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const { returnTo: raw } = request.query as { returnTo?: string };
  const returnTo = safeReturnTo(raw, deps.config.server.publicUrl);
  const leg = await newIdpLeg(deps, request, 'web');
  if (leg === null) {
    auditLoginStart(request, deps.audit, 'web', { return_to: returnTo }, 'error');
    return reply.redirect(errorPage('idp_unavailable'), 302);
  }
  await insertLoginState(deps.db, {
    kind: 'web',
    stateHash: leg.idp.stateHash,
    idp: leg.idp,
    returnTo,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    now: deps.clock.now(),
  });
  auditLoginStart(request, deps.audit, 'web', { return_to: returnTo });
  reply.setCookie(
    deps.cookies.login,
    leg.binding,
    cookieOptions(deps.config, LOGIN_COOKIE_MAX_AGE),
  );
  return reply.redirect(leg.url.href, 302);
}

/** Why a callback's state could not be claimed: stale (expired/consumed) or never valid here. */
export async function unusableStateReason(
  deps: LoginDeps,
  kind: 'web' | 'cli',
  idpStateHash: string,
): Promise<LoginFailure> {
  const row = await findByIdpState(deps.db, kind, idpStateHash);
  if (row === null) return 'state_invalid';
  const stale =
    row.consumedAt !== null || row.expiresAt <= deps.clock.now() || row.status !== 'pending';
  return stale ? 'state_expired' : 'state_invalid';
}

async function finishWebLogin(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as { code?: string; state?: string; error?: string };
  const binding = request.cookies[deps.cookies.login] ?? '';
  reply.clearCookie(deps.cookies.login, cookieOptions(deps.config));
  const refuse = (reason: LoginFailure, email = '', detail?: string) => {
    auditLoginFailed(request, deps.audit, 'web', reason, email, detail);
    const shown = reason === 'state_invalid' ? 'state_expired' : reason;
    return reply.redirect(errorPage(shown), 302);
  };
  const stateHash = sha256Hex(query.state ?? '');
  const claimed = await claimCallback(
    deps.db,
    'web',
    stateHash,
    sha256Hex(binding),
    deps.clock.now(),
  );
  if (query.error !== undefined) {
    request.log.info(
      { idp_error: query.error.slice(0, 200) },
      'login: identity provider returned an error',
    );
    return refuse('idp_error');
  }
  if (claimed === null) return refuse(await unusableStateReason(deps, 'web', stateHash));
  const finished = await finishIdpLeg(deps, request, claimed);
  if (!finished.ok) return refuse(finished.reason, finished.email, finished.detail);
  const { user, opened } = finished;
  reply.setCookie(deps.cookies.session, opened.token, cookieOptions(deps.config));
  if (opened.trusted === 'revoked')
    reply.clearCookie(deps.cookies.trustedDevice, cookieOptions(deps.config));
  if (opened.mfaState === 'not_required' || opened.mfaState === 'verified')
    await auditLoginComplete(request, deps.audit, user, 'web', {
      uid: opened.session.uid,
      mfa: opened.trusted === 'trusted' ? 'trusted_device' : 'not_required',
    });
  return reply.redirect(afterLogin(opened.mfaState, claimed.returnTo ?? '/app/rack'), 302);
}

export function registerWebLoginRoutes(app: FastifyInstance, deps: WebLoginDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/web/login',
    schema: { querystring: LoginQuery },
    handler: (request, reply) => startWebLogin(deps, request, reply),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/web/callback',
    schema: { querystring: CallbackQuery },
    handler: (request, reply) => finishWebLogin(deps, request, reply),
  });
}
