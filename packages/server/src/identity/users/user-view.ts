// What the API shows of a user: an allowlist (response schema) — never subject bindings or ids.
import { Type } from 'typebox';
import type { MfaMethods } from '../mfa-hooks.js';
import type { UserRecord } from './user-store.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const UserView = Type.Object({
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  last_login_at: Nullable(Type.String()),
  locked: Type.Boolean(),
  locked_at: Nullable(Type.String()),
  locked_reason: Nullable(Type.String()),
  suspended: Type.Boolean(),
  suspended_at: Nullable(Type.String()),
  mfa_enrolled: Type.Boolean(),
  mfa_enforced: Type.Boolean(),
  preferred_mfa_method: Nullable(Type.String()),
});

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export async function userView(u: UserRecord, mfa: MfaMethods) {
  return {
    email: u.email,
    name: u.name,
    roles: [...u.roles],
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    last_login_at: iso(u.lastLoginAt),
    locked: u.lockedAt !== null,
    locked_at: iso(u.lockedAt),
    locked_reason: u.lockedReason,
    suspended: u.suspendedAt !== null,
    suspended_at: iso(u.suspendedAt),
    mfa_enrolled: (await mfa.confirmedMethods(u.id)).length > 0,
    mfa_enforced: u.mfaEnforcedAt !== null,
    preferred_mfa_method: u.preferredMfaMethod,
  };
}
