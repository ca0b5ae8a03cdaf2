// Resetting a user's identity provider binding (identity.md §5): the stored `(iss, sub)` is
// cleared so the next successful login binds whatever subject the provider now sends for the
// e-mail. A subject that changed at the provider means the old binding can no longer be trusted,
// so every session of the user is revoked too (`idp_binding_reset`, announced on `rgw_revocation`
// so sockets close). Used by the admin route and by `rack-gateway-server users reset-idp-binding`.
import type { AuditEventInput } from '../../audit/audit-log.js';
import type { NotifyingRunner } from '../../db/database.js';
import { revokeUserSessions } from '../sessions/session-store.js';
import { type UserRecord, updateUser } from './user-store.js';

export interface IdpBindingReset {
  readonly previousIssuer: string | null;
  readonly previousSubject: string | null;
  readonly sessionsRevoked: number;
}

/** Clears the binding of `user` (locked by the caller's transaction) and revokes its sessions. */
export async function resetIdpBinding(
  tx: NotifyingRunner,
  user: UserRecord,
  byUserId: number | null,
  now: Date,
): Promise<IdpBindingReset> {
  await updateUser(tx, user.id, { oidcIssuer: null, oidcSubject: null }, now);
  const sessionsRevoked = await revokeUserSessions(tx, user, {
    reason: 'idp_binding_reset',
    byUserId,
    now,
    announce: 'user',
  });
  return { previousIssuer: user.oidcIssuer, previousSubject: user.oidcSubject, sessionsRevoked };
}

/** The `user.idp_binding_reset` event: the binding that was cleared (identifiers, no secrets). */
export function idpBindingResetEvent(
  base: Omit<AuditEventInput, 'action' | 'status'>,
  email: string,
  result: IdpBindingReset,
): AuditEventInput {
  return {
    ...base,
    action: 'user.idp_binding_reset',
    status: 'success',
    resource: email,
    resourceType: 'user',
    details: {
      previous_issuer: result.previousIssuer,
      previous_subject: result.previousSubject,
      sessions_revoked: result.sessionsRevoked,
    },
  };
}
