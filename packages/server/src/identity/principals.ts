// Builds the Principal (access/principal.ts) for a validated session: the user, the session with
// its effective MFA state, and the union of the user's role permissions.

import type { PermissionPattern } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import { ROLES, type UserRole } from '../access/roles.js';
import type { SessionValidation } from './sessions/session-validation.js';
import type { UserRecord } from './users/user-store.js';

export function rolePermissions(roles: readonly UserRole[]): readonly PermissionPattern[] {
  return [...new Set(roles.flatMap((r) => ROLES[r].permissions))];
}

export const principalUser = (u: UserRecord): Principal['user'] => ({
  id: u.id,
  uid: u.uid,
  email: u.email,
  name: u.name,
  roles: u.roles,
});

export function sessionPrincipal(v: Extract<SessionValidation, { ok: true }>): Principal {
  return {
    kind: 'session',
    user: principalUser(v.user),
    session: {
      id: v.session.uid,
      channel: v.session.channel,
      mfaState: v.mfaState,
      mfaVerifiedAt: v.session.mfaVerifiedAt,
      recentStepUpAt: v.session.recentStepUpAt,
    },
    token: null,
    permissions: rolePermissions(v.user.roles),
  };
}
