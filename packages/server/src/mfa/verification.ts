// One code, verified (identity.md §14.2-14.3, §14.11), as an ordered list of steps: classify the
// value (TOTP code or backup code), refuse when the user made too many attempts of that type,
// check it (TOTP against every confirmed TOTP method, current step ±1, replay-checked; backup
// codes single use), record the attempt, append `mfa.verify`, and lock the user after the fifth
// failure in five minutes. Codes and secrets never reach a log or an event.
import type { AttemptContext } from '../identity/mfa-hooks.js';
import {
  type AttemptMethodType,
  attemptBackoffSeconds,
  claimTimeStep,
  recordAttempt,
} from './attempts.js';
import { consumeBackupCode } from './backup-codes.js';
import { lockAfterFailures } from './lockout.js';
import { confirmedMethods, touchMethod } from './method-store.js';
import { looksLikeBackupCode, normaliseBackupCode } from './mfa-crypto.js';
import type { MfaDeps } from './mfa-deps.js';
import { looksLikeTotp, matchingStep } from './totp.js';

export type CodeFailure =
  | 'invalid_code'
  | 'replay'
  | 'challenge_expired'
  | 'rate_limited'
  | 'account_locked';

export type CodeResult =
  | {
      readonly ok: true;
      readonly methodType: 'totp' | 'backup_code';
      readonly remainingBackupCodes: number | null;
      readonly at: Date;
    }
  | { readonly ok: false; readonly reason: CodeFailure; readonly retryAfterSeconds?: number };

export interface VerifyOptions extends AttemptContext {
  /** Recorded in `mfa.verify` (the caller creates the device after a success). */
  readonly trustedDeviceCreated?: boolean;
}

type Checked =
  | { ok: true; resource: string; remaining: number | null }
  | { ok: false; reason: 'invalid_code' | 'replay'; resource: string };

/** A TOTP code against every confirmed TOTP method; the matched time step is claimed once. */
async function checkTotp(deps: MfaDeps, userId: number, code: string, now: Date): Promise<Checked> {
  const methods = (await confirmedMethods(deps.db, userId)).filter((m) => m.type === 'totp');
  for (const method of methods) {
    if (method.secretEncrypted === null) continue;
    const step = matchingStep(deps.crypto.decrypt(method.secretEncrypted), code, now);
    if (step === null) continue;
    if (!(await claimTimeStep(deps.db, userId, step, now)))
      return { ok: false, reason: 'replay', resource: method.uid };
    await touchMethod(deps.db, method.id, now);
    return { ok: true, resource: method.uid, remaining: null };
  }
  return { ok: false, reason: 'invalid_code', resource: 'totp' };
}

async function check(
  deps: MfaDeps,
  userId: number,
  type: AttemptMethodType,
  value: string,
  now: Date,
): Promise<Checked> {
  if (type === 'totp') return checkTotp(deps, userId, value, now);
  const remaining = await consumeBackupCode(deps.db, deps.crypto, userId, value, now);
  return remaining === null
    ? { ok: false, reason: 'invalid_code', resource: 'backup_code' }
    : { ok: true, resource: 'backup_code', remaining };
}

function classify(code: string): { type: 'totp' | 'backup_code'; value: string } {
  const trimmed = code.trim();
  if (looksLikeTotp(trimmed)) return { type: 'totp', value: trimmed };
  const backup = normaliseBackupCode(trimmed);
  if (looksLikeBackupCode(backup)) return { type: 'backup_code', value: backup };
  return { type: 'totp', value: trimmed };
}

function auditVerify(
  deps: MfaDeps,
  ctx: VerifyOptions,
  outcome: { status: 'success' | 'failed' | 'denied'; resource: string; type: string },
  extra: Record<string, unknown>,
): Promise<void> {
  return deps.audit.append(
    {
      ...ctx.audit,
      action: 'mfa.verify',
      status: outcome.status,
      resource: outcome.resource,
      resourceType: 'mfa_method',
      details: {
        method_type: outcome.type,
        purpose: ctx.purpose,
        trusted_device_created: outcome.status === 'success' && ctx.trustedDeviceCreated === true,
        ...extra,
      },
    },
    { durable: true },
  );
}

/** Verifies `code` for `userId` (attempt limits, replay, lock); never throws for a bad code. */
export async function verifyCode(
  deps: MfaDeps,
  userId: number,
  code: string,
  ctx: VerifyOptions,
): Promise<CodeResult> {
  const now = deps.clock.now();
  const { type, value } = classify(code);
  const attempt = { userId, methodType: type, ip: ctx.ip, userAgent: ctx.userAgent, now };
  const backoff = await attemptBackoffSeconds(deps.db, userId, type, now);
  if (backoff > 0) {
    await recordAttempt(deps.db, { ...attempt, outcome: 'refused', reason: 'rate_limited' });
    await auditVerify(
      deps,
      ctx,
      { status: 'denied', resource: type, type },
      {
        reason: 'rate_limited',
      },
    );
    return { ok: false, reason: 'rate_limited', retryAfterSeconds: backoff };
  }
  const checked = await check(deps, userId, type, value, now);
  if (checked.ok) {
    await recordAttempt(deps.db, { ...attempt, outcome: 'success', reason: null });
    const remaining =
      checked.remaining === null ? {} : { remaining_backup_codes: checked.remaining };
    await auditVerify(
      deps,
      ctx,
      { status: 'success', resource: checked.resource, type },
      remaining,
    );
    return { ok: true, methodType: type, remainingBackupCodes: checked.remaining, at: now };
  }
  await recordAttempt(deps.db, { ...attempt, outcome: 'failed', reason: checked.reason });
  await auditVerify(
    deps,
    ctx,
    { status: 'failed', resource: checked.resource, type },
    {
      reason: checked.reason,
    },
  );
  if (await lockAfterFailures(deps, userId, ctx.audit))
    return { ok: false, reason: 'account_locked' };
  return { ok: false, reason: checked.reason };
}

/**
 * An `X-MFA-WebAuthn` / `.webauthn.` value: this gateway issues no WebAuthn challenge or hand-off
 * proof yet, so none can be valid. It is still a failed attempt like any other.
 */
export async function refuseWebauthn(
  deps: MfaDeps,
  userId: number,
  ctx: VerifyOptions,
): Promise<CodeResult> {
  const now = deps.clock.now();
  await recordAttempt(deps.db, {
    userId,
    methodType: 'webauthn',
    outcome: 'failed',
    reason: 'challenge_expired',
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    now,
  });
  await auditVerify(
    deps,
    ctx,
    { status: 'failed', resource: 'webauthn', type: 'webauthn' },
    {
      reason: 'challenge_expired',
    },
  );
  if (await lockAfterFailures(deps, userId, ctx.audit))
    return { ok: false, reason: 'account_locked' };
  return { ok: false, reason: 'challenge_expired' };
}
