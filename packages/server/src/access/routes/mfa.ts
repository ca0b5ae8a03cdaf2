// MFA self-service (access-control.md §9.8) and the admin MFA reset (§9.5). Self-service routes
// are session only and use the `mfa` limiter; enrolment is reachable before MFA completes (P), the
// verification only while the login challenge is pending or later (C), and the first enrolment
// needs no step-up (W). WebAuthn and Yubico OTP routes come with their own issue.
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute, MfaLevel } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';

const self = (
  method: Row['method'],
  path: string,
  permission: Permission,
  mfa: MfaLevel,
  audit: AuditAction | null,
  flags: Pick<Row, 'preMfa' | 'mfaWaivedWithoutMethods' | 'ceremonyStart'> = {},
): Row => ({
  method,
  path: `${V1}/auth/mfa${path}`,
  permission,
  mfa,
  audit,
  sessionOnly: true,
  rateLimit: 'mfa',
  ...flags,
});

export const MFA_ROUTES: readonly Row[] = [
  self('GET', '/status', 'auth:mfa_method:read', 'none', null, { preMfa: 'any' }),
  self('POST', '/enroll/totp/start', 'auth:mfa_method:create', 'step_up', null, {
    preMfa: 'any',
    mfaWaivedWithoutMethods: true,
    ceremonyStart: true,
  }),
  self('POST', '/enroll/totp/confirm', 'auth:mfa_method:create', 'none', 'mfa_method.enroll', {
    preMfa: 'any',
  }),
  self('POST', '/verify', 'auth:mfa_verification:create', 'none', 'mfa.verify', {
    preMfa: 'challenge',
  }),
  self(
    'PUT',
    '/preferred-method',
    'auth:mfa_preferences:update',
    'step_up',
    'mfa.preferred_method.update',
  ),
  self('PUT', '/methods/:methodId', 'auth:mfa_method:update', 'step_up', 'mfa_method.update'),
  self('DELETE', '/methods/:methodId', 'auth:mfa_method:delete', 'always', 'mfa_method.delete'),
  self(
    'POST',
    '/backup-codes/regenerate',
    'auth:mfa_backup_codes:generate',
    'step_up',
    'mfa.backup_codes.regenerate',
  ),
  self(
    'POST',
    '/trusted-devices/trust',
    'auth:trusted_device:create',
    'step_up',
    'trusted_device.create',
  ),
  self(
    'DELETE',
    '/trusted-devices/:deviceId',
    'auth:trusted_device:delete',
    'step_up',
    'trusted_device.revoke',
  ),
  {
    method: 'POST',
    path: `${V1}/users/:email/mfa/reset`,
    permission: 'gateway:user:reset_mfa',
    mfa: 'always',
    audit: 'user.mfa_reset',
  },
];
