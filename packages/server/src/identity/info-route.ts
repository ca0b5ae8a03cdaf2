// `GET /api/v1/info` (identity.md §6): who the caller is, what they may do, their MFA and session
// state, the rack's names, the integrations, the version and a CSRF token for browser sessions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { grants } from '../access/permissions.js';
import type { Config } from '../config/types.js';
import { registerRoute } from '../http/register-route.js';
import type { SettingValues } from '../settings/catalogue.js';
import type { Csrf } from './csrf.js';
import type { MfaMethods } from './mfa-hooks.js';

export interface InfoDeps {
  readonly config: Config;
  readonly csrf: Csrf;
  readonly mfa: MfaMethods;
  readonly settings: () => Promise<SettingValues>;
  readonly preferredMethod: (userId: number) => Promise<string | null>;
}

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const InfoReply = Type.Object({
  user: Type.Object({
    email: Type.String(),
    name: Type.String(),
    roles: Type.Array(Type.String()),
    permissions: Type.Array(Type.String()),
    mfa_enrolled: Type.Boolean(),
    mfa_required: Type.Boolean(),
    mfa_state: Nullable(Type.String()),
    preferred_mfa_method: Nullable(Type.String()),
    recent_step_up_expires_at: Nullable(Type.String()),
    has_trusted_device: Type.Boolean(),
  }),
  rack: Type.Object({
    name: Type.String(),
    alias: Type.String(),
    display_name: Type.String(),
    host: Type.Optional(Type.String()),
  }),
  integrations: Type.Object({
    slack: Type.Boolean(),
    github: Type.Boolean(),
    circleci: Type.Boolean(),
  }),
  version: Type.Object({ version: Type.String(), commit: Type.String() }),
  session: Nullable(
    Type.Object({
      id: Type.String(),
      channel: Type.String(),
      idle_expires_at: Type.String(),
      absolute_expires_at: Type.String(),
    }),
  ),
  token: Nullable(
    Type.Object({ id: Type.String(), name: Type.String(), expires_at: Nullable(Type.String()) }),
  ),
  csrf_token: Nullable(Type.String()),
});

async function info(deps: InfoDeps, request: FastifyRequest) {
  const p = request.principal;
  if (p === null) throw new Error('info requires a principal');
  const c = request.credential;
  const settings = await deps.settings();
  const enrolled = (await deps.mfa.confirmedMethods(p.user.id)).length > 0;
  const stepUp = p.session?.recentStepUpAt ?? null;
  const rack = deps.config.rack;
  const integrations = deps.config.integrations;
  return {
    user: {
      email: p.user.email,
      name: p.user.name,
      roles: [...p.user.roles],
      permissions: [...p.permissions],
      mfa_enrolled: enrolled,
      mfa_required: c?.session?.mfaRequired ?? settings.mfa_require_all_users,
      mfa_state: p.session?.mfaState ?? null,
      preferred_mfa_method: await deps.preferredMethod(p.user.id),
      recent_step_up_expires_at: stepUp
        ? new Date(stepUp.getTime() + settings.mfa_step_up_window_minutes * 60_000).toISOString()
        : null,
      has_trusted_device: false,
    },
    rack: {
      name: rack.name,
      alias: rack.alias,
      display_name: rack.displayName,
      ...(grants(p.permissions, 'convox:rack:update') ? { host: rack.connection.url.host } : {}),
    },
    integrations: {
      slack: integrations.slack.botToken !== null || integrations.slack.clientId !== null,
      github: integrations.github.token !== null,
      circleci: integrations.circleci.token !== null,
    },
    version: { version: deps.config.version, commit: 'unknown' },
    session:
      p.session && c?.session
        ? {
            id: p.session.id,
            channel: p.session.channel,
            idle_expires_at: c.session.deadlines.idleExpiresAt.toISOString(),
            absolute_expires_at: c.session.deadlines.absoluteExpiresAt.toISOString(),
          }
        : null,
    token: p.token
      ? { id: p.token.id, name: p.token.name, expires_at: p.token.expiresAt?.toISOString() ?? null }
      : null,
    csrf_token: c?.sessionToken ? deps.csrf.tokenFor(c.sessionToken) : null,
  };
}

export function registerInfoRoute(app: FastifyInstance, deps: InfoDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/info',
    schema: { response: { 200: InfoReply } },
    handler: (request) => info(deps, request),
  });
}
