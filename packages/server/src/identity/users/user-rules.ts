// Rules for user administration (identity.md §5, access-control.md §3, §9.5): valid addresses
// in an allowed domain, assignable roles only, nobody changes their own roles or locks, suspends
// or deletes themselves, and the last active admin cannot be demoted, locked, suspended or
// deleted.
import { USER_ROLES, type UserRole } from '../../access/roles.js';
import type { Config } from '../../config/types.js';
import type { SqlRunner } from '../../db/database.js';
import { BadRequestError, ConflictError, ForbiddenError } from '../../http/errors.js';
import { domainAllowed } from '../oidc/claims.js';
import { countOtherActiveAdmins, isActive, type UserRecord } from './user-store.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function validEmail(config: Config, raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw new BadRequestError('invalid_email', 'Enter a valid e-mail address.');
  if (!domainAllowed(config, email))
    throw new BadRequestError(
      'domain_not_allowed',
      'The e-mail domain is not in OIDC_ALLOWED_DOMAINS.',
    );
  return email;
}

export function validRoles(raw: readonly string[]): UserRole[] {
  const roles = [...new Set(raw)];
  const invalid = roles.filter((r) => !(USER_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || invalid.length > 0)
    throw new BadRequestError(
      'invalid_role',
      `Roles must be a non-empty list of ${USER_ROLES.join(', ')}${invalid.length ? ` (not assignable: ${invalid.join(', ')})` : ''}.`,
      { invalid },
    );
  return USER_ROLES.filter((r) => roles.includes(r));
}

export function notSelf(actorId: number, target: UserRecord, what: string): void {
  if (actorId === target.id)
    throw new ForbiddenError('self_action_forbidden', `You cannot ${what} your own account.`);
}

const isActiveAdmin = (u: UserRecord): boolean => isActive(u) && u.roles.includes('admin');

/** Refuses a change that would leave no active admin. */
export async function keepAnAdmin(
  tx: SqlRunner,
  target: UserRecord,
  stillAdmin: boolean,
): Promise<void> {
  if (!isActiveAdmin(target) || stillAdmin) return;
  if ((await countOtherActiveAdmins(tx, target.id)) === 0)
    throw new ConflictError(
      'last_admin',
      'This is the last active admin; make someone else admin first.',
    );
}

export const sameRoles = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((r) => b.includes(r));
