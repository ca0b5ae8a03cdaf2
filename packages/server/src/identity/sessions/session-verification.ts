// A session that passed an MFA verification (identity.md §6 Rotation, §14.8): a pending web session
// (login challenge or first enrolment) gets a new token — the old one is revoked `rotated` — and
// starts verified with a fresh step-up; any other session keeps its token and gets the stamps
// `recent_step_up_at = now` (and `mfa_verified_at` if unset).
import type { SqlRunner } from '../../db/database.js';
import { insertSession, revokeSession, type SessionRecord } from './session-store.js';

/** Stamps a successful verification; `verified` also moves the session to the verified state. */
export async function stampVerification(
  db: SqlRunner,
  sessionUid: string,
  now: Date,
  verified: boolean,
): Promise<void> {
  await db.query(
    `UPDATE sessions SET recent_step_up_at = $2, mfa_verified_at = coalesce(mfa_verified_at, $2)
       ${verified ? ", mfa_state = 'verified'" : ''}
     WHERE uid = $1 AND revoked_at IS NULL`,
    [sessionUid, now],
  );
}

/** Replaces `old` by a verified session with a new token (returned once). */
export async function rotateVerified(
  tx: SqlRunner,
  old: SessionRecord,
  now: Date,
): Promise<{ token: string; session: SessionRecord }> {
  await revokeSession(tx, old.id, { reason: 'rotated', byUserId: null, now });
  return insertSession(tx, {
    userId: old.userId,
    channel: old.channel,
    ip: old.lastIp,
    userAgent: old.userAgent,
    mfaState: 'verified',
    mfaVerifiedAt: now,
    recentStepUpAt: now,
    now,
  });
}
