// CLI login, browser side (identity.md §4 steps 1-5): `POST /auth/cli/start` stores a CLI login
// state (PKCE challenge, loopback redirect or poll mode, device fields); `GET /auth/cli/authorize`
// sends the browser to the IdP with the gateway's own state, nonce and verifier; the callback
// records the user on the state and gives the browser a web session for the approval page.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BadRequestError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { cookieOptions, LOGIN_COOKIE_MAX_AGE } from '../cookies.js';
import { confirmationCode, randomToken, sha256Hex } from '../secrets.js';
import { auditLoginFailed, auditLoginStart } from './login-audit.js';
import {
  claimCallback,
  findByState,
  insertLoginState,
  type LoginState,
  setStatus,
  startIdpLeg,
} from './login-state-store.js';
import { finishIdpLeg, type LoginFailure } from './login-steps.js';
import { errorPage, newIdpLeg, unusableStateReason, type WebLoginDeps } from './web-login.js';

const LOOPBACK = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/callback$/;
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const StartBody = Type.Object(
  {
    code_challenge: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    code_challenge_method: Type.Literal('S256'),
    redirect_uri: Type.Optional(Type.String({ maxLength: 200 })),
    device_id: Type.Optional(Type.String({ pattern: UUID })),
    device_name: Type.String({ minLength: 1, maxLength: 100 }),
    device_os: Type.String({ minLength: 1, maxLength: 100 }),
    client_version: Type.String({ minLength: 1, maxLength: 50 }),
  },
  { additionalProperties: false },
);
type StartBody = Type.Static<typeof StartBody>;

const StartReply = Type.Object({
  state: Type.String(),
  auth_url: Type.String(),
  expires_at: Type.String(),
  poll_interval_seconds: Type.Integer(),
  mode: Type.String(),
});

const StateQuery = Type.Object({ state: Type.String({ minLength: 1, maxLength: 512 }) });
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2048 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  error: Type.Optional(Type.String({ maxLength: 512 })),
});

/** `redirect_uri` must be exactly `http://127.0.0.1:<port>/callback`, port 1024-65535. */
export function validLoopback(uri: string): boolean {
  const port = Number(LOOPBACK.exec(uri)?.[1] ?? 0);
  return port >= 1024 && port <= 65535;
}

async function start(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as StartBody;
  if (body.redirect_uri !== undefined && !validLoopback(body.redirect_uri))
    throw new BadRequestError(
      'invalid_redirect_uri',
      'redirect_uri must be http://127.0.0.1:<port>/callback with a port from 1024 to 65535.',
    );
  const state = randomToken();
  const mode = body.redirect_uri === undefined ? 'poll' : 'loopback';
  const row = await insertLoginState(deps.db, {
    kind: 'cli',
    stateHash: sha256Hex(state),
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    now: deps.clock.now(),
    cli: {
      mode,
      codeChallenge: body.code_challenge,
      redirectUri: body.redirect_uri ?? null,
      confirmationCode: confirmationCode(state),
      deviceId: body.device_id?.toLowerCase() ?? randomUUID(),
      deviceName: body.device_name,
      deviceOs: body.device_os,
      clientVersion: body.client_version,
    },
  });
  auditLoginStart(request, deps.audit, 'cli', { device_name: body.device_name });
  const authUrl = new URL('/api/v1/auth/cli/authorize', deps.config.server.publicUrl);
  authUrl.searchParams.set('state', state);
  return reply.code(201).send({
    state,
    auth_url: authUrl.href,
    expires_at: row.expiresAt.toISOString(),
    poll_interval_seconds: 1,
    mode,
  });
}

async function authorize(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const { state } = request.query as { state: string };
  const row = await findByState(deps.db, 'cli', sha256Hex(state));
  const now = deps.clock.now();
  if (row === null || row.status !== 'pending' || row.consumedAt !== null || row.expiresAt <= now)
    return reply.redirect(errorPage('state_expired'), 302);
  const leg = await newIdpLeg(deps, request, 'cli');
  if (leg === null) return reply.redirect(errorPage('idp_unavailable'), 302);
  if ((await startIdpLeg(deps.db, row.id, leg.idp, now)) === null)
    return reply.redirect(errorPage('state_expired'), 302);
  // The binding cookie also carries the CLI state, so the callback can name it in its redirects
  // without the state being stored anywhere but as a hash.
  reply.setCookie(
    deps.cookies.login,
    `${leg.binding}.${state}`,
    cookieOptions(deps.config, LOGIN_COOKIE_MAX_AGE),
  );
  return reply.redirect(leg.url.href, 302);
}

function failureTarget(row: LoginState, cliState: string, reason: string): string {
  const q = `state=${encodeURIComponent(cliState)}&error=${encodeURIComponent(reason)}`;
  return row.mode === 'loopback' && row.redirectUri
    ? `${row.redirectUri}?${q}`
    : `/app/cli/login?${q}`;
}

async function callback(deps: WebLoginDeps, request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as { code?: string; state?: string; error?: string };
  const [binding = '', cliState = ''] = (request.cookies[deps.cookies.login] ?? '').split('.');
  reply.clearCookie(deps.cookies.login, cookieOptions(deps.config));
  const idpStateHash = sha256Hex(query.state ?? '');
  const claimed = await claimCallback(
    deps.db,
    'cli',
    idpStateHash,
    sha256Hex(binding),
    deps.clock.now(),
  );
  if (claimed === null || sha256Hex(cliState) !== claimed.stateHash) {
    const reason =
      claimed === null ? await unusableStateReason(deps, 'cli', idpStateHash) : 'state_invalid';
    auditLoginFailed(request, deps.audit, 'cli', reason);
    return reply.redirect(errorPage('state_expired'), 302);
  }
  const refuse = async (reason: LoginFailure, email = '', detail?: string) => {
    await setStatus(deps.db, claimed.id, ['pending'], { status: 'failed', failureReason: reason });
    auditLoginFailed(request, deps.audit, 'cli', reason, email, detail);
    return reply.redirect(failureTarget(claimed, cliState, reason), 302);
  };
  if (query.error !== undefined) return refuse('idp_error');
  const finished = await finishIdpLeg(deps, request, claimed, (tx, user) =>
    setStatus(tx, claimed.id, ['pending'], { status: 'authenticated', userId: user.id }),
  );
  if (!finished.ok) return refuse(finished.reason, finished.email, finished.detail);
  const { opened } = finished;
  reply.setCookie(deps.cookies.session, opened.token, cookieOptions(deps.config));
  if (opened.trusted === 'revoked')
    reply.clearCookie(deps.cookies.trustedDevice, cookieOptions(deps.config));
  const s = encodeURIComponent(cliState);
  return reply.redirect(
    opened.mfaState === 'enrolment_required'
      ? `/app/account/security?enrollment=required&channel=cli&state=${s}`
      : `/app/cli/login?state=${s}`,
    302,
  );
}

export function registerCliLoginRoutes(app: FastifyInstance, deps: WebLoginDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/cli/start',
    schema: { body: StartBody, response: { 201: StartReply } },
    handler: (request, reply) => start(deps, request, reply),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/cli/authorize',
    schema: { querystring: StateQuery },
    handler: (request, reply) => authorize(deps, request, reply),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/cli/callback',
    schema: { querystring: CallbackQuery },
    handler: (request, reply) => callback(deps, request, reply),
  });
}
