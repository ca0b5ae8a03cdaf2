// The web-safe Convox routes (access-control.md §9.3) and the rack information and environment
// routes (§9.2). Each `/convox/*` row names the rack path it forwards to; its permission, MFA level
// and audit action are written out here and must equal those of that rack row (the consistency
// test checks it), so that the browser can do exactly what the same caller could do on the proxy.
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute, MfaLevel, RouteMethod } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';
export const CONVOX_PREFIX = `${V1}/convox`;

const convox = (
  method: RouteMethod,
  path: string,
  forward: string,
  permission: Permission,
  audit: AuditAction,
  mfa: MfaLevel = 'none',
): Row => ({ method, path: `${CONVOX_PREFIX}${path}`, permission, mfa, audit, forward });

export const CONVOX_ROUTES: readonly Row[] = [
  convox('GET', '/apps', '/apps', 'convox:app:list', 'app.list'),
  convox('GET', '/apps/:app', '/apps/{app}', 'convox:app:read', 'app.read'),
  convox('GET', '/apps/:app/services', '/apps/{app}/services', 'convox:app:read', 'app.read'),
  convox(
    'GET',
    '/apps/:app/processes',
    '/apps/{app}/processes',
    'convox:process:list',
    'process.list',
  ),
  convox(
    'GET',
    '/apps/:app/processes/:pid',
    '/apps/{app}/processes/{pid}',
    'convox:process:read',
    'process.read',
  ),
  convox('GET', '/apps/:app/builds', '/apps/{app}/builds', 'convox:build:list', 'build.list'),
  convox(
    'GET',
    '/apps/:app/builds/:id',
    '/apps/{app}/builds/{id}',
    'convox:build:read',
    'build.read',
  ),
  convox(
    'GET',
    '/apps/:app/releases',
    '/apps/{app}/releases',
    'convox:release:list',
    'release.list',
  ),
  convox(
    'GET',
    '/apps/:app/releases/:id',
    '/apps/{app}/releases/{id}',
    'convox:release:read',
    'release.read',
  ),
  convox('GET', '/instances', '/instances', 'convox:instance:list', 'instance.list'),
  convox('GET', '/system/processes', '/system/processes', 'convox:rack:read', 'rack.read'),
  convox('SOCKET', '/apps/:app/logs', '/apps/{app}/logs', 'convox:log:read', 'log.read'),
  convox(
    'SOCKET',
    '/apps/:app/builds/:id/logs',
    '/apps/{app}/builds/{id}/logs',
    'convox:log:read',
    'log.read',
  ),
  convox(
    'PUT',
    '/apps/:app/services/:name',
    '/apps/{app}/services/{service}',
    'convox:app:update',
    'app.update',
    'step_up',
  ),
  convox(
    'POST',
    '/apps/:app/services/:name/restart',
    '/apps/{app}/services/{service}/restart',
    'convox:process:start',
    'process.start',
    'step_up',
  ),
  convox(
    'POST',
    '/apps/:app/releases/:id/promote',
    '/apps/{app}/releases/{id}/promote',
    'convox:release:promote',
    'release.promote',
    'step_up',
  ),
  convox(
    'DELETE',
    '/apps/:app/processes/:pid',
    '/apps/{app}/processes/{pid}',
    'convox:process:terminate',
    'process.terminate',
    'step_up',
  ),
];

export const RACK_INFO_ROUTES: readonly Row[] = [
  {
    method: 'GET',
    path: `${V1}/created-by`,
    permission: 'convox:app:read',
    mfa: 'none',
    audit: null,
  },
  { method: 'GET', path: `${V1}/rack`, permission: 'convox:rack:read', mfa: 'none', audit: null },
  {
    method: 'GET',
    path: `${V1}/apps/:app/env`,
    permission: 'convox:env:read',
    mfa: 'none',
    audit: 'env.read',
  },
  {
    method: 'GET',
    path: `${V1}/apps/:app/env/secrets`,
    permission: 'convox:secret:read',
    mfa: 'step_up',
    audit: 'secret.read',
  },
  {
    method: 'PUT',
    path: `${V1}/apps/:app/env`,
    permission: 'convox:env:set',
    mfa: 'step_up',
    audit: 'env.set',
  },
];
