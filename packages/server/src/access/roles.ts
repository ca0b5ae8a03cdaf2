// Roles and their permissions (access-control.md §3, §5). Inheritance is expanded here once:
// viewer < ops < deployer; admin holds the three wildcards; cicd is a token template only.
import type { Permission, PermissionPattern } from './permissions.js';

export const USER_ROLES = ['viewer', 'ops', 'deployer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type RoleName = UserRole | 'cicd';

const VIEWER: readonly Permission[] = [
  'convox:app:list',
  'convox:app:read',
  'convox:process:list',
  'convox:process:read',
  'convox:instance:list',
  'convox:instance:read',
  'convox:rack:read',
  'convox:log:read',
  'convox:build:list',
  'convox:build:read',
  'convox:budget:read',
  'convox:certificate:read',
  'gateway:role:read',
  'gateway:setting:read',
  'auth:profile:read',
  'auth:profile:update',
  'auth:session:list',
  'auth:session:revoke',
  'auth:audit:read',
  'auth:cli_login:approve',
  'auth:mfa_method:read',
  'auth:mfa_method:create',
  'auth:mfa_method:update',
  'auth:mfa_method:delete',
  'auth:mfa_verification:create',
  'auth:mfa_preferences:update',
  'auth:mfa_backup_codes:generate',
  'auth:trusted_device:create',
  'auth:trusted_device:delete',
];

const OPS: readonly Permission[] = [
  ...VIEWER,
  'convox:app:restart',
  'convox:process:start',
  'convox:process:exec',
  'convox:process:terminate',
  'convox:release:list',
  'convox:env:read',
  'convox:config:read',
  'convox:resource:read',
  'convox:registry:read',
];

const DEPLOYER: readonly Permission[] = [
  ...OPS,
  'convox:build:create',
  'convox:object:create',
  'convox:release:create',
  'convox:release:read',
  'convox:release:promote',
  'convox:env:set',
  'convox:config:set',
  'convox:budget:update',
  'convox:app:update',
  'gateway:deploy_approval_request:create',
  'gateway:deploy_approval_request:read',
  'gateway:api_token:create',
  'auth:api_token:read',
  'auth:api_token:update',
  'auth:api_token:delete',
];

const CICD: readonly Permission[] = [
  'convox:app:list',
  'convox:app:read',
  'convox:process:list',
  'convox:process:read',
  'convox:instance:list',
  'convox:instance:read',
  'convox:rack:read',
  'convox:budget:read',
  'convox:deploy:deploy_with_approval',
  'gateway:deploy_approval_request:create',
  'gateway:deploy_approval_request:read',
  'auth:profile:read',
];

export interface RoleDefinition {
  readonly name: RoleName;
  readonly label: string;
  readonly description: string;
  readonly assignable: boolean;
  readonly permissions: readonly PermissionPattern[];
}

export const ROLES: Readonly<Record<RoleName, RoleDefinition>> = {
  viewer: {
    name: 'viewer',
    label: 'Viewer',
    description: 'Read-only access to apps, builds, processes, logs and rack status',
    assignable: true,
    permissions: VIEWER,
  },
  ops: {
    name: 'ops',
    label: 'Operations',
    description: 'Restart apps, start, exec into and stop processes, view environments',
    assignable: true,
    permissions: OPS,
  },
  deployer: {
    name: 'deployer',
    label: 'Deployer',
    description:
      'Build, release, promote, edit environments, request deploy approvals, manage own API tokens',
    assignable: true,
    permissions: DEPLOYER,
  },
  cicd: {
    name: 'cicd',
    label: 'CI/CD',
    description:
      'Recommended scope for automation tokens: read-only rack view plus deploy with approval',
    assignable: false,
    permissions: CICD,
  },
  admin: {
    name: 'admin',
    label: 'Administrator',
    description: 'Complete access to all gateway operations',
    assignable: true,
    permissions: ['convox:*:*', 'gateway:*:*', 'auth:*:*'],
  },
};

/** Human privilege order (cicd is outside it). */
export const ROLE_RANK: Readonly<Record<UserRole, number>> = {
  viewer: 1,
  ops: 2,
  deployer: 3,
  admin: 4,
};

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

/** Union of the permissions of `roles` (patterns, de-duplicated, in catalogue order). */
export function permissionsOfRoles(roles: readonly RoleName[]): PermissionPattern[] {
  return [...new Set(roles.flatMap((r) => ROLES[r].permissions))];
}
