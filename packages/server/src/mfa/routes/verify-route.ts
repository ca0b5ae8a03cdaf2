// `POST /auth/mfa/verify {code, trust_device?}` (identity.md §3, §14.8): the web login challenge
// (the pending session is rotated: new cookie, new CSRF token, `login.complete`) and the explicit
// step-up of web and CLI sessions. A refused code answers like an inline one: 401
// `mfa_verification_failed` (with `reason`), 429 `mfa_too_many_attempts`, 403 `account_locked`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { refusedInline } from '../../access/access-checks.js';
import { denialError } from '../../access/decision.js';
import { eventFor } from '../../access/request-audit.js';
import { BadRequestError, GatewayError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { confirmedTypes } from '../mfa-methods.js';
import { type CodeFailure, verifyCode } from '../verification.js';
import { callerOf, type MfaRouteDeps, stepUpExpiry } from './route-deps.js';
import { canTrustDevice, completeSession, trustDevice } from './session-completion.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const DeviceRef = Type.Object({ id: Type.String(), expires_at: Type.String() });
const VerifyBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    trust_device: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const VerifyReply = Type.Object({
  verified: Type.Boolean(),
  method_type: Type.String(),
  recent_step_up_expires_at: Nullable(Type.String()),
  csrf_token: Nullable(Type.String()),
  trusted_device: Nullable(DeviceRef),
  remaining_backup_codes: Nullable(Type.Integer()),
});

/** The error answer of a refused code; `reason` tells the UI to wait for the next code. */
export function codeRefusal(
  failure: { reason: CodeFailure; retryAfterSeconds?: number },
  methods: readonly string[],
): GatewayError {
  const base = denialError(refusedInline(failure, 'step_up', methods));
  if (base.code !== 'mfa_verification_failed' || failure.reason === 'replay') return base;
  return new GatewayError(base.status, base.code, {
    message: "That code didn't work. Try again.",
    headers: base.headers,
    extra: base.extra,
    expose: true,
  });
}

export async function requireEnrolled(deps: MfaRouteDeps, userId: number): Promise<string[]> {
  const methods = await confirmedTypes(deps, userId);
  if (methods.length === 0)
    throw new BadRequestError('mfa_not_enrolled', 'Set up multi-factor authentication first.');
  return methods;
}

async function verify(deps: MfaRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const caller = callerOf(request);
  const body = request.body as Type.Static<typeof VerifyBody>;
  const methods = await requireEnrolled(deps, caller.user.id);
  const trust = body.trust_device === true && (await canTrustDevice(deps, request));
  const result = await verifyCode(deps, caller.user.id, body.code, {
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    purpose: caller.session.mfaState === 'challenge_pending' ? 'login' : 'step_up',
    audit: eventFor(request, { action: 'mfa.verify', status: 'success' }),
    trustedDeviceCreated: trust,
  });
  if (!result.ok) throw codeRefusal(result, methods);
  const csrf = await completeSession(deps, request, reply, result.at);
  return {
    verified: true,
    method_type: result.methodType,
    recent_step_up_expires_at: await stepUpExpiry(deps, result.at),
    csrf_token: csrf,
    trusted_device: trust ? await trustDevice(deps, request, reply) : null,
    remaining_backup_codes: result.remainingBackupCodes,
  };
}

export function registerVerifyRoute(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/mfa/verify',
    schema: { body: VerifyBody, response: { 200: VerifyReply } },
    handler: (request, reply) => verify(deps, request, reply),
  });
}
