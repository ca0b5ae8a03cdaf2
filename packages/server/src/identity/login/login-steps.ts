// The steps both login callbacks share (identity.md §3 steps 2-5), each enforcing one rule:
// exchange the code and verify the ID token, check the claims, find the user, check that the
// user is active, bind or match the subject, then open a web session (rotating a presented one).
import type { FastifyRequest } from 'fastify';
import type { MfaState } from '../../access/principal.js';
import type { AuditEventInput } from '../../audit/audit-log.js';
import type { Config } from '../../config/types.js';
import type { Database, SqlRunner } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import type { SettingValues } from '../../settings/catalogue.js';
import {
  isPendingMfa,
  loginMfaState,
  type MfaMethods,
  mfaRequired,
  type TrustedLogin,
} from '../mfa-hooks.js';
import { checkClaims, type VerifiedIdentity } from '../oidc/claims.js';
import { classifyExchangeError, type ExchangeFailure } from '../oidc/exchange-errors.js';
import type { OidcClient } from '../oidc/oidc-client.js';
import {
  findSessionByToken,
  insertSession,
  revokeSession,
  type SessionRecord,
} from '../sessions/session-store.js';
import { findUserByEmail, type UserRecord, updateUser } from '../users/user-store.js';
import type { LoginState } from './login-state-store.js';

export type LoginFailure =
  | 'idp_error'
  | 'state_invalid'
  | 'state_expired'
  | 'exchange_failed'
  | 'idp_unavailable'
  | 'idp_client_rejected'
  | 'id_token_invalid'
  | 'email_unverified'
  | 'domain_not_allowed'
  | 'identity_mismatch'
  | 'unknown_user'
  | 'user_locked'
  | 'user_suspended';

export interface LoginDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly oidc: OidcClient;
  readonly mfa: MfaMethods;
  readonly settings: () => Promise<SettingValues>;
}

export interface RefusedLogin {
  readonly ok: false;
  readonly reason: LoginFailure;
  readonly email: string;
  /** What the IdP answered, for the log and the audit event (status and error codes only). */
  readonly detail?: string;
}

export type Identified =
  | { readonly ok: true; readonly user: UserRecord; readonly identity: VerifiedIdentity }
  | RefusedLogin;

const fail = (reason: LoginFailure, email = ''): Identified => ({ ok: false, reason, email });

/** The login reason shown to the user for each kind of exchange failure (retry or ask an admin). */
const EXCHANGE_REASON: Record<ExchangeFailure, LoginFailure> = {
  idp_unavailable: 'idp_unavailable',
  client_rejected: 'idp_client_rejected',
  code_rejected: 'exchange_failed',
  invalid: 'id_token_invalid',
};

function exchangeRefusal(err: unknown): RefusedLogin {
  const failure = classifyExchangeError(err);
  return { ok: false, reason: EXCHANGE_REASON[failure.kind], email: '', detail: failure.detail };
}

function activeCheck(user: UserRecord): LoginFailure | null {
  if (user.lockedAt !== null) return 'user_locked';
  if (user.suspendedAt !== null) return 'user_suspended';
  return null;
}

/** Steps 3-4: code exchange and ID token, claims, user, active, subject binding. */
export async function identifyAtIdp(
  deps: LoginDeps,
  state: LoginState,
  callbackUrl: URL,
  rawIdpState: string,
): Promise<Identified> {
  let claims: Readonly<Record<string, unknown>>;
  try {
    claims = await deps.oidc.exchange(callbackUrl, {
      state: rawIdpState,
      nonce: state.nonce ?? '',
      codeVerifier: state.idpCodeVerifier ?? '',
    });
  } catch (err) {
    return exchangeRefusal(err);
  }
  const checked = checkClaims(deps.config, claims);
  if (!checked.ok) return fail(checked.reason, checked.email);
  const { identity } = checked;
  const user = await findUserByEmail(deps.db, identity.email);
  if (user === null) return fail('unknown_user', identity.email);
  const inactive = activeCheck(user);
  if (inactive !== null) return fail(inactive, identity.email);
  if (
    user.oidcSubject !== null &&
    (user.oidcSubject !== identity.subject || user.oidcIssuer !== identity.issuer)
  )
    return fail('identity_mismatch', identity.email);
  if (user.oidcSubject === null) {
    const bound = await updateUser(
      deps.db,
      user.id,
      { oidcIssuer: identity.issuer, oidcSubject: identity.subject },
      deps.clock.now(),
    );
    return { ok: true, user: bound, identity };
  }
  return { ok: true, user, identity };
}

export interface WebSessionRequest {
  readonly ip: string;
  readonly userAgent: string;
  /** The session cookie the browser sent, if any: revoked as `rotated`. */
  readonly presentedToken: string | undefined;
  /** The trusted-device cookie the browser sent, if any (identity.md §14.7). */
  readonly trustedDeviceToken: string | undefined;
}

export interface OpenedSession {
  readonly token: string;
  readonly session: SessionRecord;
  readonly mfaState: MfaState;
  /** What the trusted-device cookie did: satisfied the challenge, was revoked, or nothing. */
  readonly trusted: TrustedLogin['status'];
}

/** The login challenge, satisfied by a valid trusted-device cookie (identity.md §3 step 5). */
async function loginChallenge(
  deps: LoginDeps,
  user: UserRecord,
  req: WebSessionRequest,
): Promise<{ mfaState: MfaState; trusted: TrustedLogin }> {
  const settings = await deps.settings();
  const required = mfaRequired(settings.mfa_require_all_users, user.mfaEnforcedAt);
  const enrolled = (await deps.mfa.confirmedMethods(user.id)).length > 0;
  const mfaState = loginMfaState(required, enrolled);
  if (req.trustedDeviceToken === undefined || req.trustedDeviceToken === '')
    return { mfaState, trusted: { status: 'none' } };
  if (mfaState !== 'challenge_pending') return { mfaState, trusted: { status: 'none' } };
  const trusted = await deps.mfa.trustedLogin(user.id, req.trustedDeviceToken, req);
  return { mfaState: trusted.status === 'trusted' ? 'verified' : mfaState, trusted };
}

/**
 * Step 5: a new web session in one transaction (plus `alsoInTx`, e.g. the CLI state update); a
 * presented session cookie is revoked (`rotated`). Everything read from outside the transaction
 * is read first (PGlite has a single connection).
 */
export async function openWebSession(
  deps: LoginDeps,
  user: UserRecord,
  req: WebSessionRequest,
  alsoInTx?: (tx: SqlRunner) => Promise<unknown>,
): Promise<OpenedSession> {
  const { mfaState, trusted } = await loginChallenge(deps, user, req);
  const now = deps.clock.now();
  const deviceId = trusted.status === 'trusted' ? trusted.deviceId : undefined;
  return deps.db.transaction(async (tx) => {
    await alsoInTx?.(tx);
    if (req.presentedToken) {
      const old = await findSessionByToken(tx, req.presentedToken);
      if (old !== null) await revokeSession(tx, old.id, { reason: 'rotated', byUserId: null, now });
    }
    const created = await insertSession(tx, {
      userId: user.id,
      channel: 'web',
      ip: req.ip,
      userAgent: req.userAgent,
      mfaState,
      mfaVerifiedAt: deviceId ? now : null,
      recentStepUpAt: null,
      ...(deviceId ? { trustedDeviceId: deviceId } : {}),
      now,
    });
    if (!isPendingMfa(mfaState)) await updateUser(tx, user.id, { lastLoginAt: now }, now);
    return { ...created, mfaState, trusted: trusted.status };
  });
}

/** Audit fields of an event about `user` (the login routes have no principal yet). */
export function userActor(user: UserRecord, channel: 'web' | 'cli', sessionId: string | null) {
  return {
    actorType: 'user',
    channel,
    userId: user.uid,
    userEmail: user.email,
    userName: user.name,
    sessionId,
  } satisfies Partial<AuditEventInput>;
}

/**
 * Steps 3-5 for a claimed state: identify the caller at the IdP, then open their web session
 * (rotating the session cookie the browser sent). `alsoInTx` joins the session's transaction.
 */
export async function finishIdpLeg(
  deps: LoginDeps & {
    readonly cookies: { readonly session: string; readonly trustedDevice: string };
  },
  request: FastifyRequest,
  claimed: LoginState,
  alsoInTx?: (tx: SqlRunner, user: UserRecord) => Promise<unknown>,
): Promise<
  | RefusedLogin
  | {
      readonly ok: true;
      readonly user: UserRecord;
      readonly opened: OpenedSession;
    }
> {
  const rawState = (request.query as { state?: string }).state ?? '';
  const callbackUrl = new URL(request.url, deps.config.server.publicUrl);
  const identified = await identifyAtIdp(deps, claimed, callbackUrl, rawState);
  if (!identified.ok) {
    if (identified.detail !== undefined)
      request.log.warn(
        { reason: identified.reason, idp: identified.detail },
        'login: the code exchange with the identity provider failed',
      );
    return identified;
  }
  const { user } = identified;
  const opened = await openWebSession(
    deps,
    user,
    {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      presentedToken: request.cookies[deps.cookies.session],
      trustedDeviceToken: request.cookies[deps.cookies.trustedDevice],
    },
    alsoInTx ? (tx) => alsoInTx(tx, user) : undefined,
  );
  return { ok: true, user, opened };
}
