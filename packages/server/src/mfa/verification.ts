// One code, verified (identity.md §14.2-14.3, §14.11), as ONE serialised step per user: in a
// single transaction that holds the user's row, refuse when the user is locked or made too many
// attempts of that type, check the code (TOTP against every confirmed TOTP method, current step
// ±1, replay-checked; backup codes single use), record the attempt, and lock the user at the fifth
// failure in five minutes. Concurrent attempts of one user therefore queue, so a burst cannot be
// evaluated past the limit. `mfa.verify` (and `mfa.lockout`) are appended after the commit.
// A code the user already verified with (a stale `.totp.` suffix) is refused as `replay` without
// counting as a failure: it is not a guess. Codes and secrets never reach a log or an event.
import type { NotifyingRunner, SqlRunner } from '../db/database.js';
import type { AttemptContext } from '../identity/mfa-hooks.js';
import {
  type AttemptMethodType,
  attemptBackoffSeconds,
  claimTimeStep,
  recordAttempt,
  usedTimeSteps,
} from './attempts.js';
import { consumeBackupCode, isUsedBackupCode } from './backup-codes.js';
import { type AutomaticLock, auditLockout, holdUser, lockAfterFailures } from './lockout.js';
import { confirmedMethods, touchMethod } from './method-store.js';
import { looksLikeBackupCode, type MfaCrypto, normaliseBackupCode } from './mfa-crypto.js';
import type { MfaDeps } from './mfa-deps.js';
import { isCodeOfSteps, looksLikeTotp, matchingStep } from './totp.js';

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
  | { ok: false; reason: 'invalid_code' | 'replay' | 'challenge_expired'; resource: string };

type Evaluate = (tx: SqlRunner, now: Date) => Promise<Checked>;

/** A TOTP code against every confirmed TOTP method; the matched time step is claimed once. */
async function checkTotp(
  tx: SqlRunner,
  crypto: MfaCrypto,
  userId: number,
  code: string,
  now: Date,
): Promise<Checked> {
  const secrets = (await confirmedMethods(tx, userId))
    .filter((m) => m.type === 'totp' && m.secretEncrypted !== null)
    .map((m) => ({ method: m, secret: crypto.decrypt(m.secretEncrypted ?? '') }));
  for (const { method, secret } of secrets) {
    const step = matchingStep(secret, code, now);
    if (step === null) continue;
    if (!(await claimTimeStep(tx, userId, step, now)))
      return { ok: false, reason: 'replay', resource: method.uid };
    await touchMethod(tx, method.id, now);
    return { ok: true, resource: method.uid, remaining: null };
  }
  // Past its window: still recognisable as a code of a step this user already verified with.
  const used = await usedTimeSteps(tx, userId, now);
  const reused = secrets.find(({ secret }) => isCodeOfSteps(secret, code, used));
  if (reused !== undefined) return { ok: false, reason: 'replay', resource: reused.method.uid };
  return { ok: false, reason: 'invalid_code', resource: 'totp' };
}

async function checkBackupCode(
  tx: SqlRunner,
  crypto: MfaCrypto,
  userId: number,
  code: string,
  now: Date,
): Promise<Checked> {
  const remaining = await consumeBackupCode(tx, crypto, userId, code, now);
  if (remaining !== null) return { ok: true, resource: 'backup_code', remaining };
  const reused = await isUsedBackupCode(tx, crypto, userId, code);
  return { ok: false, reason: reused ? 'replay' : 'invalid_code', resource: 'backup_code' };
}

function classify(code: string): { type: 'totp' | 'backup_code'; value: string } {
  const trimmed = code.trim();
  if (looksLikeTotp(trimmed)) return { type: 'totp', value: trimmed };
  const backup = normaliseBackupCode(trimmed);
  if (looksLikeBackupCode(backup)) return { type: 'backup_code', value: backup };
  return { type: 'totp', value: trimmed };
}

/** What the serialised step decided: the answer, and what to audit once it committed. */
interface Decided {
  readonly result: CodeResult;
  readonly status: 'success' | 'failed' | 'denied';
  readonly resource: string;
  readonly extra: Record<string, unknown>;
  readonly lock: AutomaticLock | null;
}

const refused = (
  reason: 'account_locked' | 'rate_limited' | 'replay',
  resource: string,
  retryAfterSeconds?: number,
): Decided => ({
  result: { ok: false, reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  status: 'denied',
  resource,
  extra: { reason },
  lock: null,
});

interface Attempting {
  readonly userId: number;
  readonly type: AttemptMethodType;
  readonly ctx: VerifyOptions;
  readonly evaluate: Evaluate;
}

/** The step itself; runs inside one transaction, every query on `tx`. */
async function decide(tx: NotifyingRunner, a: Attempting, now: Date): Promise<Decided> {
  const { userId, type } = a;
  const base = { userId, methodType: type, ip: a.ctx.ip, userAgent: a.ctx.userAgent, now };
  const held = await holdUser(tx, userId);
  if (held === null) return refused('account_locked', type);
  if (held.locked) {
    await recordAttempt(tx, { ...base, outcome: 'refused', reason: 'account_locked' });
    return refused('account_locked', type);
  }
  const backoff = await attemptBackoffSeconds(tx, userId, type, now);
  if (backoff > 0) {
    await recordAttempt(tx, { ...base, outcome: 'refused', reason: 'rate_limited' });
    return refused('rate_limited', type, backoff);
  }
  const checked = await a.evaluate(tx, now);
  if (checked.ok) {
    await recordAttempt(tx, { ...base, outcome: 'success', reason: null });
    const codeType = type === 'backup_code' ? 'backup_code' : 'totp';
    return {
      result: { ok: true, methodType: codeType, remainingBackupCodes: checked.remaining, at: now },
      status: 'success',
      resource: checked.resource,
      extra: checked.remaining === null ? {} : { remaining_backup_codes: checked.remaining },
      lock: null,
    };
  }
  if (checked.reason === 'replay') {
    await recordAttempt(tx, { ...base, outcome: 'refused', reason: 'replay' });
    return refused('replay', checked.resource);
  }
  await recordAttempt(tx, { ...base, outcome: 'failed', reason: checked.reason });
  const lock = await lockAfterFailures(tx, userId, now);
  return {
    result: { ok: false, reason: lock === null ? checked.reason : 'account_locked' },
    status: 'failed',
    resource: checked.resource,
    extra: { reason: checked.reason },
    lock,
  };
}

/** Runs the serialised step, then appends `mfa.verify` (and `mfa.lockout`) after the commit. */
async function attempt(deps: MfaDeps, a: Attempting): Promise<CodeResult> {
  const decided = await deps.attemptQueue.run(String(a.userId), () =>
    deps.db.transaction((tx) => decide(tx, a, deps.clock.now())),
  );
  await deps.audit.append(
    {
      ...a.ctx.audit,
      action: 'mfa.verify',
      status: decided.status,
      resource: decided.resource,
      resourceType: 'mfa_method',
      details: {
        method_type: a.type,
        purpose: a.ctx.purpose,
        trusted_device_created: decided.status === 'success' && a.ctx.trustedDeviceCreated === true,
        ...decided.extra,
      },
    },
    { durable: true },
  );
  if (decided.lock !== null) await auditLockout(deps, decided.lock, a.ctx.audit);
  return decided.result;
}

/** Verifies `code` for `userId` (attempt limits, replay, lock); never throws for a bad code. */
export function verifyCode(
  deps: MfaDeps,
  userId: number,
  code: string,
  ctx: VerifyOptions,
): Promise<CodeResult> {
  const { type, value } = classify(code);
  const evaluate: Evaluate = (tx, now) =>
    type === 'totp'
      ? checkTotp(tx, deps.crypto, userId, value, now)
      : checkBackupCode(tx, deps.crypto, userId, value, now);
  return attempt(deps, { userId, type, ctx, evaluate });
}

/**
 * An `X-MFA-WebAuthn` / `.webauthn.` value: this gateway issues no WebAuthn challenge or hand-off
 * proof yet, so none can be valid. It is still a failed attempt like any other.
 */
export function refuseWebauthn(
  deps: MfaDeps,
  userId: number,
  ctx: VerifyOptions,
): Promise<CodeResult> {
  const evaluate: Evaluate = async () => ({
    ok: false,
    reason: 'challenge_expired',
    resource: 'webauthn',
  });
  return attempt(deps, { userId, type: 'webauthn', ctx, evaluate });
}
