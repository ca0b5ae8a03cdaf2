// `POST /auth/cli/complete` (identity.md §4 step 9): the CLI proves it started the login (PKCE
// verifier, checked here, five wrong ones invalidate the state), polls until the login is
// approved, and — in loopback mode — presents the one-time login code. The state is consumed and
// the CLI session created in one transaction; the token is returned exactly once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import { BadRequestError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { mfaRequired } from '../mfa-hooks.js';
import { safeEqual, sha256Base64Url, sha256Hex } from '../secrets.js';
import { insertSession } from '../sessions/session-store.js';
import { sessionDeadlines } from '../sessions/session-validation.js';
import { findUserById, isActive, updateUser } from '../users/user-store.js';
import { auditLoginFailed } from './login-audit.js';
import {
  consumeApproved,
  countVerifierFailure,
  findByState,
  type LoginState,
} from './login-state-store.js';
import { userActor } from './login-steps.js';
import type { WebLoginDeps } from './web-login.js';

const CompleteBody = Type.Object(
  {
    state: Type.String({ minLength: 1, maxLength: 512 }),
    code_verifier: Type.String({ minLength: 1, maxLength: 256 }),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);
type CompleteBody = Type.Static<typeof CompleteBody>;

const CompleteReply = Type.Object({
  token: Type.String(),
  session_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  channel: Type.Literal('cli'),
  expires_at: Type.String(),
  idle_expires_at: Type.String(),
  idle_timeout_seconds: Type.Integer(),
  device_id: Type.String(),
  device_name: Type.String(),
  mfa_enrolled: Type.Boolean(),
  mfa_required: Type.Boolean(),
});
// Where a pending login stands, so the CLI can name the likely cause when it waits long: the link
// not opened yet, the browser at the identity provider (an unregistered CLI callback strands it
// there), or signed in and not yet approved.
const STAGES = ['waiting_for_browser', 'at_identity_provider', 'signed_in', 'approved'] as const;
type Stage = (typeof STAGES)[number];
const PendingReply = Type.Object({
  status: Type.Literal('pending'),
  stage: Type.Union(STAGES.map((s) => Type.Literal(s))),
});

function stageOf(row: LoginState): Stage {
  if (row.status === 'approved') return 'approved';
  if (row.status === 'authenticated') return 'signed_in';
  // The nonce is stored when `authorize` sends the browser to the identity provider.
  return row.nonce === null ? 'waiting_for_browser' : 'at_identity_provider';
}

const invalidState = () =>
  new BadRequestError('invalid_state', 'Unknown or already used CLI login; run the login again.');

/** Refusals before the verifier is checked: unknown, consumed, expired, denied, failed. */
function assertUsable(row: LoginState | null, now: Date): asserts row is LoginState {
  if (row === null || row.consumedAt !== null) throw invalidState();
  if (row.expiresAt <= now)
    throw new BadRequestError(
      'expired',
      'The CLI login expired after 10 minutes; run the login again.',
    );
  if (row.status === 'denied')
    throw new BadRequestError('login_denied', 'The login was denied in the browser.');
  if (row.status === 'failed') {
    const reason = row.failureReason ?? 'login_failed';
    throw new BadRequestError(reason, `The browser sign-in failed (${reason}).`);
  }
}

async function complete(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as CompleteBody;
  const now = deps.clock.now();
  const row = await findByState(deps.db, 'cli', sha256Hex(body.state));
  assertUsable(row, now);
  if (!safeEqual(sha256Base64Url(body.code_verifier), row.codeChallenge ?? '')) {
    await countVerifierFailure(deps.db, row.id, now);
    auditLoginFailed(request, deps.audit, 'cli', 'pkce_mismatch');
    throw new BadRequestError('invalid_verifier', 'The code verifier does not match this login.');
  }
  if (row.status !== 'approved' || (row.mode === 'loopback' && body.code === undefined))
    return reply.code(202).send({ status: 'pending', stage: stageOf(row) });
  if (row.mode === 'loopback' && !safeEqual(sha256Hex(body.code ?? ''), row.loginCodeHash ?? ''))
    throw new BadRequestError('invalid_code', 'The login code is not valid for this login.');
  return createCliSession(deps, request, row);
}

async function createCliSession(deps: WebLoginDeps, request: FastifyRequest, row: LoginState) {
  const now = deps.clock.now();
  const created = await deps.db.transaction(async (tx) => {
    if ((await consumeApproved(tx, row.id, now)) === null) throw invalidState();
    const user = row.userId === null ? null : await findUserById(tx, row.userId);
    if (user === null || !isActive(user))
      throw new BadRequestError('user_inactive', 'The account is locked, suspended or deleted.');
    const verifiedAt = row.mfaVerifiedAt;
    const session = await insertSession(tx, {
      userId: user.id,
      channel: 'cli',
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      mfaState: verifiedAt ? 'verified' : 'not_required',
      mfaVerifiedAt: verifiedAt,
      recentStepUpAt: verifiedAt,
      device: {
        id: row.deviceId ?? '',
        name: row.deviceName ?? '',
        os: row.deviceOs ?? '',
        clientVersion: row.clientVersion ?? '',
      },
      now,
    });
    await updateUser(tx, user.id, { lastLoginAt: now }, now);
    return { user, ...session };
  });
  const { user, session, token } = created;
  const mfa = verifiedAt(row) ? 'verified' : 'not_required';
  await appendDurable(
    deps.audit,
    eventFor(request, {
      ...userActor(user, 'cli', session.uid),
      action: 'login.complete',
      status: 'success',
      resource: 'cli',
      details: { channel: 'cli', session_id: session.uid, mfa, device_name: row.deviceName },
    }),
  );
  const settings = await deps.settings();
  const deadlines = sessionDeadlines(session, session.mfaState, settings);
  return {
    token,
    session_id: session.uid,
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    channel: 'cli' as const,
    expires_at: deadlines.absoluteExpiresAt.toISOString(),
    idle_expires_at: deadlines.idleExpiresAt.toISOString(),
    idle_timeout_seconds: deadlines.idleTimeoutSeconds,
    device_id: session.deviceId ?? '',
    device_name: session.deviceName ?? '',
    mfa_enrolled: (await deps.mfa.confirmedMethods(user.id)).length > 0,
    mfa_required: mfaRequired(settings.mfa_require_all_users, user.mfaEnforcedAt),
  };
}

const verifiedAt = (row: LoginState): Date | null => row.mfaVerifiedAt;

export function registerCliCompleteRoute(app: FastifyInstance, deps: WebLoginDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/cli/complete',
    schema: { body: CompleteBody, response: { 200: CompleteReply, 202: PendingReply } },
    handler: (request, reply) => complete(deps, request, reply),
  });
}
