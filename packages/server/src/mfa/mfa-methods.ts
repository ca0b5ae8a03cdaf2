// The MfaMethods plug (identity/mfa-hooks.ts) backed by the MFA store: confirmed method types,
// inline verification (TOTP or backup code; step-up stamp on the session) and the trusted-device
// check of a web login, which revokes a device presented after expiry, by another user or from
// another User-Agent.
import type {
  AttemptContext,
  InlineMfa,
  InlineVerification,
  MfaMethods,
  MfaMethodType,
  TrustedLogin,
} from '../identity/mfa-hooks.js';
import { safeEqual, sha256Hex } from '../identity/secrets.js';
import { stampVerification } from '../identity/sessions/session-verification.js';
import { findUserById } from '../identity/users/user-store.js';
import type { MfaDeps } from './mfa-deps.js';
import {
  type DeviceRevocation,
  findDeviceByToken,
  revokeDevice,
  type TrustedDeviceRecord,
  touchDevice,
} from './trusted-devices.js';
import { refuseWebauthn, verifyCode } from './verification.js';

export async function confirmedTypes(deps: MfaDeps, userId: number): Promise<MfaMethodType[]> {
  const rows = await deps.db.query<{ type: string }>(
    'SELECT DISTINCT type FROM mfa_methods WHERE user_id = $1 AND confirmed_at IS NOT NULL ORDER BY type',
    [userId],
  );
  return rows.map((r) => r.type as MfaMethodType);
}

async function verifyInline(
  deps: MfaDeps,
  userId: number,
  sessionId: string | null,
  inline: InlineMfa,
  ctx: AttemptContext,
): Promise<InlineVerification> {
  const result =
    inline.kind === 'webauthn'
      ? await refuseWebauthn(deps, userId, ctx)
      : await verifyCode(deps, userId, inline.value, ctx);
  if (!result.ok) return { ok: false, reason: result.reason, ...retryAfter(result) };
  if (sessionId !== null) await stampVerification(deps.db, sessionId, result.at, false);
  return { ok: true, method: result.methodType, verifiedAt: result.at };
}

const retryAfter = (r: { retryAfterSeconds?: number }) =>
  r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds };

function mismatch(
  device: TrustedDeviceRecord,
  userId: number,
  userAgent: string,
  now: Date,
): DeviceRevocation | null {
  if (device.expiresAt <= now) return 'expired';
  if (device.userId !== userId) return 'mismatched_user';
  if (!safeEqual(sha256Hex(userAgent), device.userAgentHash)) return 'mismatched_user_agent';
  return null;
}

async function trustedLogin(
  deps: MfaDeps,
  userId: number,
  token: string,
  ctx: { ip: string; userAgent: string },
): Promise<TrustedLogin> {
  const settings = await deps.settings();
  if (settings.mfa_trusted_device_ttl_days === 0) return { status: 'none' };
  const device = await findDeviceByToken(deps.db, token);
  if (device === null) return { status: 'revoked' };
  const now = deps.clock.now();
  const reason = mismatch(device, userId, ctx.userAgent, now);
  if (reason === null) {
    await touchDevice(deps.db, device.id, ctx.ip, now);
    return { status: 'trusted', deviceId: device.uid };
  }
  await revokeDevice(deps.db, device.id, reason, now);
  const user = await findUserById(deps.db, userId);
  await deps.audit.append(
    {
      actorType: 'user',
      channel: 'web',
      userId: user?.uid ?? null,
      userEmail: user?.email ?? '',
      userName: user?.name ?? '',
      ipAddress: ctx.ip,
      userAgent: ctx.userAgent.slice(0, 512),
      occurredAt: now,
      action: 'trusted_device.revoke',
      status: 'success',
      resource: device.uid,
      details: { reason },
    },
    { durable: true },
  );
  return { status: 'revoked' };
}

export function createMfaMethods(deps: MfaDeps): MfaMethods {
  return {
    confirmedMethods: (userId) => confirmedTypes(deps, userId),
    verifyInline: (userId, sessionId, inline, ctx) =>
      verifyInline(deps, userId, sessionId, inline, ctx),
    trustedLogin: (userId, token, ctx) => trustedLogin(deps, userId, token, ctx),
  };
}
