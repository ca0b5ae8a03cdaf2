// Verification attempts and used TOTP steps (identity.md §14.2, §14.11), both in the database so
// that limits and replay protection hold across replicas: more than 10 attempts of one method type
// in 5 minutes are refused, 5 failures in 5 minutes lock the user, and a TOTP time step is
// accepted once per user. Used steps are kept for a day, long after their codes expired, so that
// a code re-sent from a stale RACK_URL is recognised as already used rather than counted as a
// guess. Unlocking clears the failure window.
import type { SqlRunner } from '../db/database.js';

export const ATTEMPT_WINDOW_MS = 5 * 60_000;
export const USED_STEP_RETENTION_MS = 24 * 60 * 60_000;
export const MAX_ATTEMPTS_PER_TYPE = 10;
export const LOCK_AFTER_FAILURES = 5;

export type AttemptMethodType = 'totp' | 'webauthn' | 'backup_code' | 'yubiotp';
export type AttemptReason =
  | 'invalid_code'
  | 'replay'
  | 'challenge_expired'
  | 'unknown_credential'
  | 'counter_regression'
  | 'rate_limited'
  | 'account_locked';

export interface Attempt {
  readonly userId: number;
  readonly methodType: AttemptMethodType;
  readonly outcome: 'success' | 'failed' | 'refused';
  readonly reason: AttemptReason | null;
  readonly ip: string;
  readonly userAgent: string;
  readonly now: Date;
}

export async function recordAttempt(db: SqlRunner, a: Attempt): Promise<void> {
  await db.query(
    `INSERT INTO mfa_attempts (user_id, method_type, outcome, reason, ip, user_agent, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.userId, a.methodType, a.outcome, a.reason, a.ip, a.userAgent.slice(0, 512), a.now],
  );
}

const windowStart = (now: Date) => new Date(now.getTime() - ATTEMPT_WINDOW_MS);

/**
 * Seconds until another attempt of `type` is allowed, or 0 when it is allowed now (fewer than the
 * maximum counted attempts in the window; refused ones do not count).
 */
export async function attemptBackoffSeconds(
  db: SqlRunner,
  userId: number,
  type: AttemptMethodType,
  now: Date,
): Promise<number> {
  const rows = await db.query<{ created_at: unknown }>(
    `SELECT created_at FROM mfa_attempts
     WHERE user_id = $1 AND method_type = $2 AND outcome <> 'refused' AND cleared_at IS NULL
       AND created_at > $3
     ORDER BY created_at DESC LIMIT $4`,
    [userId, type, windowStart(now), MAX_ATTEMPTS_PER_TYPE],
  );
  const oldest = rows[MAX_ATTEMPTS_PER_TYPE - 1];
  if (oldest === undefined) return 0;
  const frees = new Date(oldest.created_at as string).getTime() + ATTEMPT_WINDOW_MS;
  return Math.max(1, Math.ceil((frees - now.getTime()) / 1000));
}

export async function recentFailures(db: SqlRunner, userId: number, now: Date): Promise<number> {
  const rows = await db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM mfa_attempts
     WHERE user_id = $1 AND outcome = 'failed' AND cleared_at IS NULL AND created_at > $2`,
    [userId, windowStart(now)],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Unlock (by an admin or `users unlock`) starts the user's failure window afresh (§5). */
export async function clearAttempts(db: SqlRunner, userId: number, now: Date): Promise<void> {
  await db.query(
    'UPDATE mfa_attempts SET cleared_at = $2 WHERE user_id = $1 AND cleared_at IS NULL',
    [userId, now],
  );
}

/** Claims a TOTP time step for the user; false when it was already used (replay). */
export async function claimTimeStep(
  db: SqlRunner,
  userId: number,
  step: number,
  now: Date,
): Promise<boolean> {
  await db.query('DELETE FROM mfa_totp_used_steps WHERE used_at < $1', [
    new Date(now.getTime() - USED_STEP_RETENTION_MS),
  ]);
  const rows = await db.query(
    `INSERT INTO mfa_totp_used_steps (user_id, time_step, used_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, time_step) DO NOTHING RETURNING time_step`,
    [userId, step, now],
  );
  return rows.length > 0;
}

/** The time steps the user verified with during the retention period (newest first, bounded). */
export async function usedTimeSteps(db: SqlRunner, userId: number, now: Date): Promise<number[]> {
  const rows = await db.query<{ time_step: unknown }>(
    `SELECT time_step FROM mfa_totp_used_steps WHERE user_id = $1 AND used_at >= $2
     ORDER BY time_step DESC LIMIT 500`,
    [userId, new Date(now.getTime() - USED_STEP_RETENTION_MS)],
  );
  return rows.map((r) => Number(r.time_step));
}
