// TOTP enrolment (identity.md §14.1-14.3): start creates an unconfirmed method bound to this
// session (the user's other unconfirmed TOTP methods are removed) and returns the secret once;
// confirm checks a code (±1 step, replay-checked), confirms the method, sets `mfa_enforced_at`,
// creates the backup codes with the first method (returned once), and verifies the session —
// a pending web session is rotated, which completes the login.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BadRequestError, ConflictError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { findSessionByUid } from '../../identity/sessions/session-store.js';
import { claimTimeStep } from '../attempts.js';
import { replaceBackupCodes } from '../backup-codes.js';
import {
  confirmMethod,
  ENROLMENT_TTL_MS,
  enforceMfa,
  findMethod,
  type MfaMethodRecord,
  startTotpMethod,
} from '../method-store.js';
import { confirmedTypes } from '../mfa-methods.js';
import { matchingStep, newTotpSecret, otpauthUri } from '../totp.js';
import { callerOf, type MfaRouteDeps, recordMfaEvent, stepUpExpiry } from './route-deps.js';
import { canTrustDevice, completeSession, trustDevice } from './session-completion.js';
import { DeviceRef } from './verify-route.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Label = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const StartReply = Type.Object({
  method_id: Type.String(),
  secret: Type.String(),
  otpauth_uri: Type.String(),
});
const ConfirmBody = Type.Object(
  {
    method_id: Type.String({ minLength: 36, maxLength: 36 }),
    code: Type.String({ minLength: 1, maxLength: 16 }),
    label: Type.Optional(Label),
    trust_device: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ConfirmReply = Type.Object({
  method_id: Type.String(),
  label: Type.String(),
  backup_codes: Nullable(Type.Array(Type.String())),
  recent_step_up_expires_at: Nullable(Type.String()),
  csrf_token: Nullable(Type.String()),
  trusted_device: Nullable(DeviceRef),
});

async function start(deps: MfaRouteDeps, request: FastifyRequest) {
  const caller = callerOf(request);
  const session = await findSessionByUid(deps.db, caller.session.id);
  if (session === null) throw new Error('session vanished during enrolment');
  const secret = newTotpSecret();
  const method = await startTotpMethod(deps.db, {
    userId: caller.user.id,
    label: 'Authenticator app',
    secretEncrypted: deps.crypto.encrypt(secret),
    sessionId: session.id,
    now: deps.clock.now(),
  });
  return {
    method_id: method.uid,
    secret,
    otpauth_uri: otpauthUri(deps.config.webauthn.totpIssuer, caller.user.email, secret),
  };
}

/** The pending method this session started within the last 10 minutes (the ceremony). */
async function pendingMethod(
  deps: MfaRouteDeps,
  request: FastifyRequest,
  methodId: string,
  now: Date,
): Promise<MfaMethodRecord> {
  const caller = callerOf(request);
  const method = await findMethod(deps.db, caller.user.id, methodId);
  const session = await findSessionByUid(deps.db, caller.session.id);
  const fresh = method !== null && method.createdAt.getTime() + ENROLMENT_TTL_MS > now.getTime();
  if (
    method === null ||
    method.type !== 'totp' ||
    method.confirmedAt !== null ||
    method.startedSessionId !== session?.id ||
    !fresh
  )
    throw new BadRequestError(
      'enrollment_expired',
      'This enrolment expired or was started elsewhere; start the enrolment again.',
    );
  return method;
}

/** The enrolment code against the new secret: ±1 step, and its step claimed (replay). */
async function checkEnrolmentCode(
  deps: MfaRouteDeps,
  method: MfaMethodRecord,
  code: string,
  now: Date,
): Promise<'ok' | 'invalid_code' | 'replay'> {
  const step = matchingStep(deps.crypto.decrypt(method.secretEncrypted ?? ''), code.trim(), now);
  if (step === null) return 'invalid_code';
  return (await claimTimeStep(deps.db, method.userId, step, now)) ? 'ok' : 'replay';
}

async function confirm(deps: MfaRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as Type.Static<typeof ConfirmBody>;
  const now = deps.clock.now();
  const method = await pendingMethod(deps, request, body.method_id, now);
  const label = body.label?.trim() ?? method.label;
  const checked = await checkEnrolmentCode(deps, method, body.code, now);
  if (checked !== 'ok') {
    await recordMfaEvent(deps, request, {
      action: 'mfa_method.enroll',
      status: 'failed',
      resource: method.uid,
      details: { method_type: 'totp', label, reason: checked },
    });
    throw new BadRequestError(
      'invalid_code',
      checked === 'replay'
        ? 'That code was already used; wait for the next code.'
        : "That code didn't work. Check the time on your device and try again.",
      { reason: checked },
    );
  }
  const first = (await confirmedTypes(deps, method.userId)).length === 0;
  const trust = body.trust_device === true && (await canTrustDevice(deps, request));
  const codes = await deps.db.transaction(async (tx) => {
    if ((await confirmMethod(tx, method.id, label, now)) === null)
      throw new ConflictError('already_confirmed', 'This method was already confirmed.');
    await enforceMfa(tx, method.userId, now);
    return first ? replaceBackupCodes(tx, deps.crypto, method.userId, now) : null;
  });
  await recordMfaEvent(deps, request, {
    action: 'mfa_method.enroll',
    status: 'success',
    resource: method.uid,
    details: { method_type: 'totp', label },
  });
  const csrf = await completeSession(deps, request, reply, now);
  return {
    method_id: method.uid,
    label,
    backup_codes: codes,
    recent_step_up_expires_at: await stepUpExpiry(deps, now),
    csrf_token: csrf,
    trusted_device: trust ? await trustDevice(deps, request, reply) : null,
  };
}

export function registerEnrolmentRoutes(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/mfa/enroll/totp/start',
    schema: { response: { 200: StartReply } },
    handler: (request) => start(deps, request),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/mfa/enroll/totp/confirm',
    schema: { body: ConfirmBody, response: { 200: ConfirmReply } },
    handler: (request, reply) => confirm(deps, request, reply),
  });
}
