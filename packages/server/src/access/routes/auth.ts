// Authentication routes (access-control.md §9.1): the public login legs (rate limited by the
// `auth` limiter), the CLI approval routes (session only, usable while the MFA challenge is
// pending), logout and /info (usable before MFA completes).
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';

const publicAuth = (method: 'GET' | 'POST', path: string, audit: AuditAction | null): Row => ({
  method,
  path: `${V1}${path}`,
  permission: 'public',
  mfa: 'none',
  audit,
  rateLimit: 'auth',
});

export const AUTH_ROUTES: readonly Row[] = [
  publicAuth('GET', '/auth/web/login', 'login.start'),
  publicAuth('GET', '/auth/web/callback', 'login.complete'),
  publicAuth('POST', '/auth/cli/start', 'login.start'),
  publicAuth('GET', '/auth/cli/authorize', null),
  publicAuth('GET', '/auth/cli/callback', 'login.failed'),
  publicAuth('POST', '/auth/cli/complete', 'login.complete'),
  {
    method: 'GET',
    path: `${V1}/auth/cli/login`,
    permission: 'auth:cli_login:approve',
    mfa: 'none',
    audit: null,
    sessionOnly: true,
    preMfa: 'challenge',
  },
  {
    method: 'POST',
    path: `${V1}/auth/cli/approve`,
    permission: 'auth:cli_login:approve',
    mfa: 'always',
    audit: 'login.approve',
    sessionOnly: true,
    preMfa: 'challenge',
    mfaWaivedWithoutMethods: true,
  },
  {
    method: 'POST',
    path: `${V1}/auth/cli/deny`,
    permission: 'auth:cli_login:approve',
    mfa: 'none',
    audit: 'login.failed',
    sessionOnly: true,
    preMfa: 'challenge',
  },
  {
    method: 'POST',
    path: `${V1}/auth/logout`,
    permission: 'auth:session:revoke',
    mfa: 'none',
    audit: 'logout',
    sessionOnly: true,
    preMfa: 'any',
  },
  {
    method: 'GET',
    path: `${V1}/info`,
    permission: 'auth:profile:read',
    mfa: 'none',
    audit: null,
    preMfa: 'any',
  },
];
