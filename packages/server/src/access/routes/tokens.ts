// API tokens (access-control.md §9.6): admins manage every token; deployers their own through the
// self permissions. Creating, changing and deleting a token needs a fresh MFA code every time.
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';

export const TOKEN_ROUTES: readonly Row[] = [
  {
    method: 'GET',
    path: `${V1}/api-tokens`,
    permission: 'gateway:api_token:read',
    selfPermission: 'auth:api_token:read',
    mfa: 'none',
    audit: null,
  },
  {
    method: 'GET',
    path: `${V1}/api-tokens/permissions`,
    permission: 'gateway:api_token:create',
    mfa: 'none',
    audit: null,
  },
  {
    method: 'GET',
    path: `${V1}/api-tokens/:tokenId`,
    permission: 'gateway:api_token:read',
    selfPermission: 'auth:api_token:read',
    mfa: 'none',
    audit: null,
  },
  {
    method: 'POST',
    path: `${V1}/api-tokens`,
    permission: 'gateway:api_token:create',
    mfa: 'always',
    audit: 'api_token.create',
    rateLimit: 'token_create',
  },
  {
    method: 'PUT',
    path: `${V1}/api-tokens/:tokenId`,
    permission: 'gateway:api_token:update',
    selfPermission: 'auth:api_token:update',
    mfa: 'always',
    audit: 'api_token.update',
  },
  {
    method: 'DELETE',
    path: `${V1}/api-tokens/:tokenId`,
    permission: 'gateway:api_token:delete',
    selfPermission: 'auth:api_token:delete',
    mfa: 'always',
    audit: 'api_token.delete',
  },
];
