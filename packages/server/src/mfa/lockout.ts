// The automatic lock (identity.md §14.11): 5 failed verifications (any method) within 5 minutes
// lock the user (`locked_by` null, fixed reason), revoke every session and announce the user on
// `rgw_revocation` (tokens stop working, sockets close), and append `mfa.lockout` as an alert.
// Only an admin or `users unlock` lifts it. The lock is decided inside the per-user serialised
// verification step (verification.ts) that holds the user's row, so it happens exactly once; the
// event is appended after that transaction committed.
import type { AuditEventInput } from '../audit/audit-log.js';
import type { NotifyingRunner, SqlRunner } from '../db/database.js';
import { revokeUserSessions } from '../identity/sessions/session-store.js';
import { toUser, type UserRecord } from '../identity/users/user-store.js';
import { ATTEMPT_WINDOW_MS, LOCK_AFTER_FAILURES, recentFailures } from './attempts.js';
import type { MfaDeps } from './mfa-deps.js';

export const AUTOMATIC_LOCK_REASON = 'Automatic lock: 5 failed MFA attempts in 5 minutes';

export interface AutomaticLock {
  readonly user: UserRecord;
  readonly failures: number;
  readonly revoked: number;
  readonly at: Date;
}

/**
 * Takes the user's row lock for the rest of the transaction: concurrent verifications of one user
 * wait here, so each one sees every attempt recorded before it. Null when the user is gone.
 */
export async function holdUser(
  tx: SqlRunner,
  userId: number,
): Promise<{ readonly locked: boolean } | null> {
  const rows = await tx.query<{ locked_at: unknown }>(
    'SELECT locked_at FROM users WHERE id = $1 FOR NO KEY UPDATE',
    [userId],
  );
  const row = rows[0];
  return row === undefined ? null : { locked: row.locked_at !== null };
}

/** In the serialised step (user row held): locks the user once the failure limit is reached. */
export async function lockAfterFailures(
  tx: NotifyingRunner,
  userId: number,
  now: Date,
): Promise<AutomaticLock | null> {
  const failures = await recentFailures(tx, userId, now);
  if (failures < LOCK_AFTER_FAILURES) return null;
  const rows = await tx.query(
    `UPDATE users SET locked_at = $2, locked_reason = $3, locked_by_user_id = NULL, updated_at = $2
     WHERE id = $1 AND locked_at IS NULL RETURNING *`,
    [userId, now, AUTOMATIC_LOCK_REASON],
  );
  if (rows[0] === undefined) return null;
  const user = toUser(rows[0]);
  const revoked = await revokeUserSessions(tx, user, {
    reason: 'user_locked',
    byUserId: null,
    now,
    announce: 'user',
  });
  return { user, failures, revoked, at: now };
}

/** `mfa.lockout`, appended after the lock committed. */
export function auditLockout(
  deps: Pick<MfaDeps, 'audit'>,
  lock: AutomaticLock,
  request: Pick<AuditEventInput, 'ipAddress' | 'userAgent' | 'requestId'>,
): Promise<void> {
  return deps.audit.append(
    {
      ipAddress: request.ipAddress,
      userAgent: request.userAgent,
      requestId: request.requestId,
      actorType: 'system',
      channel: 'system',
      occurredAt: lock.at,
      action: 'mfa.lockout',
      status: 'alert',
      resource: lock.user.email,
      resourceType: 'user',
      details: {
        failed_attempts: lock.failures,
        window_minutes: ATTEMPT_WINDOW_MS / 60_000,
        sessions_revoked: lock.revoked,
      },
    },
    { durable: true },
  );
}
