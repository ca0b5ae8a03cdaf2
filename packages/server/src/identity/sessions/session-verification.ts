// A session that passed an MFA verification (identity.md §6 Rotation, §14.8): a pending web session
// (login challenge or first enrolment) gets a new token — the old one is revoked `rotated` — and
// starts verified with a fresh step-up; any other session keeps its token and gets the stamps
// `recent_step_up_at = now` (and `mfa_verified_at` if unset).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Config } from '../../config/types.js';
import type { Database, NotifyingRunner } from '../../db/database.js';
import { cookieOptions } from '../cookies.js';
import { announceCredentialChange } from '../credential-notices.js';
import { auditLoginComplete } from '../login/login-audit.js';
import { findUserById, updateUser } from '../users/user-store.js';
import {
  findSessionByUid,
  insertSession,
  revokeSession,
  type SessionRecord,
} from './session-store.js';

/**
 * Stamps a successful verification; `verified` also moves the session to the verified state. The
 * stamp must count on the very next request, on any replica, so it is announced.
 */
export async function stampVerification(
  db: NotifyingRunner,
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
  await announceCredentialChange(db, 'session', sessionUid);
}

/** Replaces `old` by a verified session with a new token (returned once). */
export async function rotateVerified(
  tx: NotifyingRunner,
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

export interface CompletionDeps {
  readonly config: Config;
  readonly db: Database;
  readonly audit: AuditLog;
  readonly cookies: { readonly session: string };
}

/**
 * The caller's pending web session passed its challenge or first enrolment at `at`: it is
 * replaced (new cookie), the login completes (`last_login_at`, `login.complete`). Returns the new
 * raw token (the caller derives the new CSRF token from it).
 */
export async function completePendingWebSession(
  deps: CompletionDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  at: Date,
): Promise<string> {
  const sessionId = request.principal?.session?.id ?? '';
  const old = await findSessionByUid(deps.db, sessionId);
  const user = old === null ? null : await findUserById(deps.db, old.userId);
  if (old === null || user === null) throw new Error('session vanished during verification');
  const rotated = await deps.db.transaction(async (tx) => {
    const created = await rotateVerified(tx, old, at);
    await updateUser(tx, user.id, { lastLoginAt: at }, at);
    return created;
  });
  reply.setCookie(deps.cookies.session, rotated.token, cookieOptions(deps.config));
  await auditLoginComplete(request, deps.audit, user, 'web', {
    uid: rotated.session.uid,
    mfa: 'verified',
  });
  return rotated.token;
}
