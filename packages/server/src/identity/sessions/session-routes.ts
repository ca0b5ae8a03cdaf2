// Session self-service and administration (identity.md §6): list a user's active sessions,
// revoke one, revoke all (optionally keeping the current one), and logout. Revoking the current
// browser session also clears its cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Config } from '../../config/types.js';
import type { Database } from '../../db/database.js';
import { NotFoundError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import type { Clock } from '../../lib/clock.js';
import type { SettingValues } from '../../settings/catalogue.js';
import { type CookieNames, cookieOptions } from '../cookies.js';
import { EmailParams } from '../users/user-admin.js';
import { findUserByEmail, type UserRecord } from '../users/user-store.js';
import {
  findSessionByUid,
  listActiveSessions,
  revokeSession,
  revokeUserSessions,
} from './session-store.js';
import { sessionDeadlines } from './session-validation.js';

export interface SessionRouteDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly cookies: CookieNames;
  readonly settings: () => Promise<SettingValues>;
}

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const SessionView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  created_at: Type.String(),
  last_seen_at: Type.String(),
  idle_expires_at: Type.String(),
  absolute_expires_at: Type.String(),
  ip: Type.String(),
  user_agent: Type.String(),
  device_name: Nullable(Type.String()),
  device_os: Nullable(Type.String()),
  client_version: Nullable(Type.String()),
  mfa_verified: Type.Boolean(),
  current: Type.Boolean(),
});
const SessionParams = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  sessionId: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }),
});
const RevokeAllQuery = Type.Object({ keep_current: Type.Optional(Type.Boolean()) });

async function userOf(deps: SessionRouteDeps, request: FastifyRequest): Promise<UserRecord> {
  const { email } = request.params as { email: string };
  const user = await findUserByEmail(deps.db, email);
  if (user === null) throw new NotFoundError('user_not_found', `No user ${email.toLowerCase()}.`);
  return user;
}

const byWhom = (request: FastifyRequest, user: UserRecord) =>
  request.principal?.user.id === user.id ? 'user_revoked' : 'admin_revoked';

function clearIfCurrent(
  deps: SessionRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  revokedCurrent: boolean,
) {
  if (revokedCurrent && request.credential?.source === 'cookie')
    reply.clearCookie(deps.cookies.session, cookieOptions(deps.config));
}

async function list(deps: SessionRouteDeps, request: FastifyRequest) {
  const user = await userOf(deps, request);
  const settings = await deps.settings();
  const now = deps.clock.now();
  const current = request.principal?.session?.id;
  return (await listActiveSessions(deps.db, user.id))
    .map((s) => ({ s, d: sessionDeadlines(s, s.mfaState, settings) }))
    .filter(({ d }) => d.idleExpiresAt > now && d.absoluteExpiresAt > now)
    .map(({ s, d }) => ({
      id: s.uid,
      channel: s.channel,
      created_at: s.createdAt.toISOString(),
      last_seen_at: s.lastSeenAt.toISOString(),
      idle_expires_at: d.idleExpiresAt.toISOString(),
      absolute_expires_at: d.absoluteExpiresAt.toISOString(),
      ip: s.lastIp,
      user_agent: s.userAgent,
      device_name: s.deviceName,
      device_os: s.deviceOs,
      client_version: s.clientVersion,
      mfa_verified: s.mfaVerifiedAt !== null,
      current: s.uid === current,
    }));
}

async function revokeOne(deps: SessionRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const user = await userOf(deps, request);
  const { sessionId } = request.params as { sessionId: string };
  const session = await findSessionByUid(deps.db, sessionId.toLowerCase());
  if (session === null || session.userId !== user.id || session.revokedAt !== null)
    throw new NotFoundError('session_not_found', 'No active session with this id for this user.');
  const now = deps.clock.now();
  const reason = byWhom(request, user);
  await deps.db.transaction((tx) =>
    revokeSession(tx, session.id, { reason, byUserId: request.principal?.user.id ?? null, now }),
  );
  clearIfCurrent(deps, request, reply, session.uid === request.principal?.session?.id);
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'session.revoke',
      status: 'success',
      resource: session.uid,
      details: { target_email: user.email, channel: session.channel },
    }),
  );
  return { revoked: true };
}

async function revokeAll(deps: SessionRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const user = await userOf(deps, request);
  const keepCurrent = (request.query as { keep_current?: boolean }).keep_current === true;
  const current = request.principal?.session?.id;
  const keep = keepCurrent && current ? await findSessionByUid(deps.db, current) : null;
  const now = deps.clock.now();
  const count = await deps.db.transaction((tx) =>
    revokeUserSessions(tx, user, {
      reason: byWhom(request, user),
      byUserId: request.principal?.user.id ?? null,
      now,
      ...(keep ? { keepId: keep.id } : {}),
      announce: 'sessions',
    }),
  );
  clearIfCurrent(deps, request, reply, keep === null && request.principal?.user.id === user.id);
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'session.revoke_all',
      status: 'success',
      resource: user.email,
      details: { revoked_count: count, keep_current: keepCurrent },
    }),
  );
  return { revoked_count: count };
}

async function logout(deps: SessionRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const current = request.principal?.session;
  if (current) {
    const session = await findSessionByUid(deps.db, current.id);
    if (session !== null)
      await deps.db.transaction((tx) =>
        revokeSession(tx, session.id, {
          reason: 'logout',
          byUserId: session.userId,
          now: deps.clock.now(),
        }),
      );
    await appendDurable(
      deps.audit,
      eventFor(request, {
        action: 'logout',
        status: 'success',
        resource: current.id,
        details: { channel: current.channel },
      }),
    );
  }
  reply.clearCookie(deps.cookies.session, cookieOptions(deps.config));
  return { redirect: '/app/login' };
}

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/users/:email/sessions',
    schema: { params: EmailParams, response: { 200: Type.Array(SessionView) } },
    handler: (request) => list(deps, request),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/sessions/:sessionId/revoke',
    schema: { params: SessionParams, response: { 200: Type.Object({ revoked: Type.Boolean() }) } },
    handler: (request, reply) => revokeOne(deps, request, reply),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/sessions/revoke_all',
    schema: {
      params: EmailParams,
      querystring: RevokeAllQuery,
      response: { 200: Type.Object({ revoked_count: Type.Integer() }) },
    },
    handler: (request, reply) => revokeAll(deps, request, reply),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/logout',
    schema: { response: { 200: Type.Object({ redirect: Type.String() }) } },
    handler: (request, reply) => logout(deps, request, reply),
  });
}
