// User administration, part 2 (identity.md §5): lock (with a reason), unlock and delete. Locking
// and deleting revoke every session and announce the user on `rgw_revocation`; unlock restores
// no session and clears the failed-MFA window. Nobody locks or deletes themselves; the last
// active admin stays.
import type { FastifyRequest } from 'fastify';
import { clearAttempts } from '../../mfa/attempts.js';
import { notifyRevocation } from '../sessions/session-store.js';
import {
  type AdminDeps,
  actorId,
  recordUserEvent,
  revokeForUser,
  targetUser,
} from './user-admin.js';
import { keepAnAdmin, notSelf } from './user-rules.js';
import { deleteUser, type UserRecord, updateUser } from './user-store.js';

export async function lockUser(
  deps: AdminDeps,
  request: FastifyRequest,
  email: string,
  reason: string,
): Promise<UserRecord> {
  const now = deps.clock.now();
  const { updated, revoked } = await deps.db.transaction(async (tx) => {
    const target = await targetUser(tx, email);
    notSelf(actorId(request), target, 'lock');
    await keepAnAdmin(tx, target, false);
    const u = await updateUser(
      tx,
      target.id,
      { lockedAt: now, lockedReason: reason.trim(), lockedByUserId: actorId(request) },
      now,
    );
    return {
      updated: u,
      revoked: await revokeForUser(tx, target, 'user_locked', actorId(request), now),
    };
  });
  await recordUserEvent(deps, request, 'user.lock', updated.email, {
    reason: updated.lockedReason,
    sessions_revoked: revoked,
  });
  return updated;
}

export async function unlockUser(
  deps: AdminDeps,
  request: FastifyRequest,
  email: string,
): Promise<UserRecord> {
  const now = deps.clock.now();
  const updated = await deps.db.transaction(async (tx) => {
    const target = await targetUser(tx, email);
    await clearAttempts(tx, target.id, now); // a fresh failed-MFA window (identity.md §5)
    return updateUser(
      tx,
      target.id,
      { lockedAt: null, lockedReason: null, lockedByUserId: null },
      now,
    );
  });
  await recordUserEvent(deps, request, 'user.unlock', updated.email, {});
  return updated;
}

export async function deleteUserAsAdmin(
  deps: AdminDeps,
  request: FastifyRequest,
  email: string,
): Promise<void> {
  const target = await deps.db.transaction(async (tx) => {
    const t = await targetUser(tx, email);
    notSelf(actorId(request), t, 'delete');
    await keepAnAdmin(tx, t, false);
    await notifyRevocation(tx, 'user', t.uid);
    await deleteUser(tx, t.id);
    return t;
  });
  await recordUserEvent(deps, request, 'user.delete', target.email, {
    email: target.email,
    roles: [...target.roles],
    tokens_deleted: 0,
  });
}
