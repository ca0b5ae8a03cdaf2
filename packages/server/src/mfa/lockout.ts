// The automatic lock (identity.md §14.11): 5 failed verifications (any method) within 5 minutes
// lock the user (`locked_by` null, fixed reason), revoke every session and announce the user on
// `rgw_revocation` (tokens stop working, sockets close), and append `mfa.lockout` as an alert.
// Only an admin or `users unlock` lifts it.
import type { AuditEventInput } from '../audit/audit-log.js';
import { revokeUserSessions } from '../identity/sessions/session-store.js';
import { toUser } from '../identity/users/user-store.js';
import { ATTEMPT_WINDOW_MS, LOCK_AFTER_FAILURES, recentFailures } from './attempts.js';
import type { MfaDeps } from './mfa-deps.js';

export const AUTOMATIC_LOCK_REASON = 'Automatic lock: 5 failed MFA attempts in 5 minutes';

/** Locks the user when the failure limit is reached; true when the user is (now) locked. */
export async function lockAfterFailures(
  deps: MfaDeps,
  userId: number,
  request: Pick<AuditEventInput, 'ipAddress' | 'userAgent' | 'requestId'>,
): Promise<boolean> {
  const now = deps.clock.now();
  const failures = await recentFailures(deps.db, userId, now);
  if (failures < LOCK_AFTER_FAILURES) return false;
  const locked = await deps.db.transaction(async (tx) => {
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
    return { user, revoked };
  });
  if (locked === null) return true;
  await deps.audit.append(
    {
      ipAddress: request.ipAddress,
      userAgent: request.userAgent,
      requestId: request.requestId,
      actorType: 'system',
      channel: 'system',
      occurredAt: now,
      action: 'mfa.lockout',
      status: 'alert',
      resource: locked.user.email,
      resourceType: 'user',
      details: {
        failed_attempts: failures,
        window_minutes: ATTEMPT_WINDOW_MS / 60_000,
        sessions_revoked: locked.revoked,
      },
    },
    { durable: true },
  );
  return true;
}
