// Users, roles and sessions (access-control.md §9.5). Non-admins reach their own rows through the
// self permissions; every mutation is at MFA level always except the self-service rename.
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';

const always = (
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  permission: Permission,
  audit: AuditAction,
  selfPermission?: Permission,
): Row => ({
  method,
  path: `${V1}${path}`,
  permission,
  mfa: 'always',
  audit,
  ...(selfPermission ? { selfPermission } : {}),
});

export const USER_ROUTES: readonly Row[] = [
  { method: 'GET', path: `${V1}/roles`, permission: 'gateway:role:read', mfa: 'none', audit: null },
  {
    method: 'GET',
    path: `${V1}/users`,
    permission: 'gateway:user:read',
    selfPermission: 'auth:profile:read',
    mfa: 'none',
    audit: null,
  },
  {
    method: 'GET',
    path: `${V1}/users/:email`,
    permission: 'gateway:user:read',
    selfPermission: 'auth:profile:read',
    mfa: 'none',
    audit: null,
  },
  always('POST', '/users', 'gateway:user:create', 'user.create'),
  always('PUT', '/users/:email', 'gateway:user:update', 'user.update'),
  {
    method: 'PUT',
    path: `${V1}/users/:email/name`,
    permission: 'gateway:user:update_name',
    selfPermission: 'auth:profile:update',
    mfa: 'step_up',
    audit: 'user.update',
  },
  always('DELETE', '/users/:email', 'gateway:user:delete', 'user.delete'),
  always('POST', '/users/:email/lock', 'gateway:user:lock', 'user.lock'),
  always('POST', '/users/:email/unlock', 'gateway:user:lock', 'user.unlock'),
  always(
    'POST',
    '/users/:email/idp-binding/reset',
    'gateway:user:reset_idp_binding',
    'user.idp_binding_reset',
  ),
  {
    method: 'GET',
    path: `${V1}/users/:email/sessions`,
    permission: 'gateway:session:list',
    selfPermission: 'auth:session:list',
    mfa: 'none',
    audit: null,
  },
  always(
    'POST',
    '/users/:email/sessions/:sessionId/revoke',
    'gateway:session:revoke',
    'session.revoke',
    'auth:session:revoke',
  ),
  always(
    'POST',
    '/users/:email/sessions/revoke_all',
    'gateway:session:revoke',
    'session.revoke_all',
    'auth:session:revoke',
  ),
];
