// What a token may be granted and what it may do (access-control.md §6.2, §7): every entry valid,
// only `auth:profile:read` from the auth scope, at most 100 entries, each covered by what the
// creator holds now; at use time the token list is intersected with its owner's current roles.
import { BadRequestError, ForbiddenError } from '../../http/errors.js';
import {
  ALL_PERMISSIONS,
  covers,
  grants,
  isValidPattern,
  type Permission,
  type PermissionPattern,
} from '../permissions.js';
import { permissionsOfRoles, ROLES, type RoleName, type UserRole } from '../roles.js';

export const MAX_TOKEN_PERMISSIONS = 100;
const TEMPLATE_ROLES: readonly RoleName[] = ['viewer', 'ops', 'deployer', 'cicd', 'admin'];

export function isTemplateRole(value: string): value is RoleName {
  return (TEMPLATE_ROLES as readonly string[]).includes(value);
}

/** Explicit permissions win over a role template; with neither, the cicd list. */
export function requestedPermissions(input: {
  permissions?: readonly string[];
  role?: string;
}): string[] {
  if (input.permissions !== undefined) return [...new Set(input.permissions.map((p) => p.trim()))];
  if (input.role !== undefined) {
    if (!isTemplateRole(input.role)) {
      throw new BadRequestError(
        'invalid_role',
        `Unknown role template "${input.role}"; use ${TEMPLATE_ROLES.join(', ')}.`,
      );
    }
    return templatePermissions(input.role);
  }
  return [...ROLES.cicd.permissions];
}

const TOKEN_AUTH = 'auth:profile:read';
/** Tokens take from the auth scope only `auth:profile:read`. */
const grantableToTokens = (p: string): boolean => !p.startsWith('auth:') || p === TOKEN_AUTH;

/**
 * A role as a token template: its permissions without the self-service `auth:*` entries a token
 * cannot hold, keeping `auth:profile:read` when the role has it (admin: its wildcard).
 */
export function templatePermissions(role: RoleName): string[] {
  const all = ROLES[role].permissions;
  const kept = all.filter(grantableToTokens);
  return grants(all, TOKEN_AUTH) && !kept.includes(TOKEN_AUTH) ? [...kept, TOKEN_AUTH] : kept;
}

export function validateTokenPermissions(list: readonly string[]): PermissionPattern[] {
  if (list.length === 0)
    throw new BadRequestError('invalid_permission', 'A token needs at least one permission.');
  if (list.length > MAX_TOKEN_PERMISSIONS) {
    throw new BadRequestError(
      'invalid_permission',
      `A token may hold at most ${MAX_TOKEN_PERMISSIONS} permissions.`,
    );
  }
  const invalid = list.filter((p) => !isValidPattern(p) || !grantableToTokens(p));
  if (invalid.length > 0) {
    throw new BadRequestError(
      'invalid_permission',
      `Invalid permissions: ${invalid.join(', ')}. Use <scope>:<resource>:<action> from GET /api/v1/api-tokens/permissions; only auth:profile:read is grantable from the auth scope.`,
      { invalid_permissions: invalid },
    );
  }
  return [...list];
}

/** Refuses entries the caller does not cover with what they hold now. */
export function assertWithinCreator(
  list: readonly PermissionPattern[],
  held: readonly PermissionPattern[],
): void {
  const uncovered = list.filter((requested) => !held.some((h) => covers(h, requested)));
  if (uncovered.length > 0) {
    throw new ForbiddenError(
      'permission_exceeds_creator',
      `You cannot grant permissions you do not hold: ${uncovered.join(', ')}.`,
      { extra: { uncovered_permissions: uncovered } },
    );
  }
}

/** The concrete permissions a token has right now: its list AND its owner's current roles. */
export function effectiveTokenPermissions(
  list: readonly PermissionPattern[],
  ownerRoles: readonly UserRole[],
): Permission[] {
  const owner = permissionsOfRoles(ownerRoles);
  return ALL_PERMISSIONS.filter((p) => grants(list, p) && grants(owner, p));
}
