// CLI login, approval and completion (identity.md §4 steps 6-9): the signed-in browser sees the
// request's details and approves (MFA level always, waived only for users without methods) or
// denies it; the CLI completes with its PKCE verifier (and, in loopback mode, the one-time login
// code) and receives its session token exactly once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import { BadRequestError, ConflictError, ForbiddenError, GatewayError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { randomToken, sha256Hex } from '../secrets.js';
import { completePendingWebSession } from '../sessions/session-verification.js';
import { loginFailedEvent } from './login-audit.js';
import { findByState, type LoginState, setStatus } from './login-state-store.js';
import type { WebLoginDeps } from './web-login.js';

const StateBody = Type.Object(
  { state: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
const StateQuery = Type.Object({ state: Type.String({ minLength: 1, maxLength: 512 }) });
const RedirectReply = Type.Object({ redirect: Type.String() });
const DetailsReply = Type.Object({
  confirmation_code: Type.String(),
  device_name: Type.String(),
  device_os: Type.String(),
  client_version: Type.String(),
  ip: Type.String(),
  started_at: Type.String(),
  expires_at: Type.String(),
  status: Type.String(),
});

/** The state of `state` if it belongs to the caller and still awaits a decision. */
export async function ownPendingState(
  deps: WebLoginDeps,
  request: FastifyRequest,
  state: string,
  allowDecided = false,
): Promise<LoginState> {
  const row = await findByState(deps.db, 'cli', sha256Hex(state));
  if (row === null)
    throw new BadRequestError('invalid_state', 'Unknown CLI login; start again from the terminal.');
  if (row.userId === null || row.userId !== request.principal?.user.id)
    throw new ForbiddenError('unauthorized', 'This CLI login belongs to another account.');
  if (row.expiresAt <= deps.clock.now())
    throw new GatewayError(410, 'expired', {
      message: 'This CLI login expired; start again from the terminal.',
    });
  if (row.consumedAt !== null || (!allowDecided && row.status !== 'authenticated'))
    throw new ConflictError('already_used', 'This CLI login was already approved, denied or used.');
  return row;
}

async function details(deps: WebLoginDeps, request: FastifyRequest) {
  const { state } = request.query as { state: string };
  const row = await ownPendingState(deps, request, state, true);
  return {
    confirmation_code: row.confirmationCode ?? '',
    device_name: row.deviceName ?? '',
    device_os: row.deviceOs ?? '',
    client_version: row.clientVersion ?? '',
    ip: row.ip,
    started_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    status: row.status,
  };
}

async function approve(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const { state } = request.body as { state: string };
  const row = await ownPendingState(deps, request, state);
  const verified = request.access?.mfaVerified ?? null;
  const loginCode = row.mode === 'loopback' ? randomToken() : null;
  const updated = await setStatus(deps.db, row.id, ['authenticated'], {
    status: 'approved',
    approvedAt: deps.clock.now(),
    mfaVerifiedAt: verified?.at ?? null,
    ...(loginCode ? { loginCodeHash: sha256Hex(loginCode) } : {}),
  });
  if (updated === null)
    throw new ConflictError('already_used', 'This CLI login was already approved, denied or used.');
  // The inline verification also completes a pending web session (identity.md §4 step 7).
  const session = request.principal?.session;
  if (verified !== null && session?.channel === 'web' && session.mfaState === 'challenge_pending')
    await completePendingWebSession(deps, request, reply, verified.at);
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'login.approve',
      status: 'success',
      resource: row.uid,
      details: {
        device_name: row.deviceName,
        device_os: row.deviceOs,
        client_version: row.clientVersion,
        mfa_method: verified?.method ?? 'none',
      },
    }),
  );
  if (loginCode === null) return { redirect: '/app/cli/success' };
  const q = new URLSearchParams({ state, code: loginCode });
  return { redirect: `${row.redirectUri}?${q}` };
}

async function denyLogin(deps: WebLoginDeps, request: FastifyRequest) {
  const { state } = request.body as { state: string };
  const row = await ownPendingState(deps, request, state);
  const updated = await setStatus(deps.db, row.id, ['authenticated'], {
    status: 'denied',
    failureReason: 'login_denied',
  });
  if (updated === null)
    throw new ConflictError('already_used', 'This CLI login was already approved, denied or used.');
  await appendDurable(
    deps.audit,
    loginFailedEvent(request, 'cli', 'denied', request.principal?.user.email ?? ''),
  );
  if (row.mode === 'loopback' && row.redirectUri) {
    const q = new URLSearchParams({ state, error: 'login_denied' });
    return { redirect: `${row.redirectUri}?${q}` };
  }
  return { redirect: '/app/cli/denied' };
}

export function registerCliApprovalRoutes(app: FastifyInstance, deps: WebLoginDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/cli/login',
    schema: { querystring: StateQuery, response: { 200: DetailsReply } },
    handler: (request) => details(deps, request),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/cli/approve',
    schema: { body: StateBody, response: { 200: RedirectReply } },
    handler: (request, reply) => approve(deps, request, reply),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/cli/deny',
    schema: { body: StateBody, response: { 200: RedirectReply } },
    handler: (request: FastifyRequest, _reply: FastifyReply) => denyLogin(deps, request),
  });
}
