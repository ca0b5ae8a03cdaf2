// `GET /auth/mfa/status` (identity.md §14.1-14.7): the caller's MFA picture for the security page —
// policy, confirmed methods, backup-code counts, unrevoked trusted devices (the one behind this
// browser's cookie marked current) and the step-up expiry. Never a secret or a code.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { registerRoute } from '../../http/register-route.js';
import { sha256Hex } from '../../identity/secrets.js';
import { findUserById } from '../../identity/users/user-store.js';
import { backupCodeStatus } from '../backup-codes.js';
import { confirmedMethods } from '../method-store.js';
import { activeDevices } from '../trusted-devices.js';
import { callerOf, type MfaRouteDeps, stepUpExpiry } from './route-deps.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const StatusReply = Type.Object({
  enrolled: Type.Boolean(),
  required: Type.Boolean(),
  preferred_method: Nullable(Type.String()),
  methods: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      label: Type.String(),
      created_at: Type.String(),
      last_used_at: Nullable(Type.String()),
    }),
  ),
  backup_codes: Type.Object({
    total: Type.Integer(),
    unused: Type.Integer(),
    last_used_at: Nullable(Type.String()),
    last_generated_at: Nullable(Type.String()),
  }),
  trusted_devices: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      created_at: Type.String(),
      last_used_at: Nullable(Type.String()),
      last_ip: Type.String(),
      expires_at: Type.String(),
      current: Type.Boolean(),
    }),
  ),
  trusted_device_ttl_days: Type.Integer(),
  recent_step_up_expires_at: Nullable(Type.String()),
  webauthn_available: Type.Boolean(),
  yubiotp_available: Type.Boolean(),
});

async function status(deps: MfaRouteDeps, request: FastifyRequest) {
  const caller = callerOf(request);
  const userId = caller.user.id;
  const now = deps.clock.now();
  const settings = await deps.settings();
  const methods = await confirmedMethods(deps.db, userId);
  const cookie = request.cookies[deps.cookies.trustedDevice];
  const currentHash = cookie ? sha256Hex(cookie) : null;
  const devices = await activeDevices(deps.db, userId, now);
  return {
    enrolled: methods.length > 0,
    required: request.credential?.session?.mfaRequired ?? true,
    preferred_method: (await findUserById(deps.db, userId))?.preferredMfaMethod ?? null,
    methods: methods.map((m) => ({
      id: m.uid,
      type: m.type,
      label: m.label,
      created_at: m.createdAt.toISOString(),
      last_used_at: m.lastUsedAt?.toISOString() ?? null,
    })),
    backup_codes: await backupCodeStatus(deps.db, userId),
    trusted_devices: devices.map((d) => ({
      id: d.uid,
      label: d.label,
      created_at: d.createdAt.toISOString(),
      last_used_at: d.lastUsedAt?.toISOString() ?? null,
      last_ip: d.lastIp,
      expires_at: d.expiresAt.toISOString(),
      current: d.tokenHash === currentHash,
    })),
    trusted_device_ttl_days: settings.mfa_trusted_device_ttl_days,
    recent_step_up_expires_at: await stepUpExpiry(deps, caller.session.recentStepUpAt),
    webauthn_available: false,
    yubiotp_available: false,
  };
}

export function registerStatusRoute(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/auth/mfa/status',
    schema: { response: { 200: StatusReply } },
    handler: (request) => status(deps, request),
  });
}
