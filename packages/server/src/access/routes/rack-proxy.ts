// The rack proxy catch-all (access-control.md §9.9): one row per method; the permission, MFA level
// and audit action of each request come from the rack route table (§10.3).
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute, RouteMethod } from '../route-types.js';

const METHODS: readonly RouteMethod[] = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
];

export const RACK_PROXY_PATH = '/api/v1/rack-proxy/*';

export const RACK_PROXY_ROUTES: readonly GatewayRoute<Permission, AuditAction>[] = METHODS.map(
  (method) => ({
    method,
    path: RACK_PROXY_PATH,
    permission: 'per_request',
    mfa: 'none',
    audit: null,
    rackProxy: true,
  }),
);
