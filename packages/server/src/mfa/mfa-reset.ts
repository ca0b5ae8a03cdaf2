// MFA reset (identity.md §5): every method, the backup codes and the preferred method go, trusted
// devices are revoked (`mfa_reset`) and every session is revoked (`mfa_reset`, announced on
// `rgw_revocation` so sockets close). `mfa_enforced_at` stays, so the user enrols again at the next
// sign-in. Used by the admin route and by `rack-gateway-server users reset-mfa`.
import type { AuditEventInput } from '../audit/audit-log.js';
import type { NotifyingRunner } from '../db/database.js';
import { revokeUserSessions } from '../identity/sessions/session-store.js';
import type { UserRecord } from '../identity/users/user-store.js';
import { deleteBackupCodes } from './backup-codes.js';
import { deleteAllMethods, setPreferredMethod } from './method-store.js';
import { revokeUserDevices } from './trusted-devices.js';

export interface MfaResetResult {
  readonly methodsRemoved: number;
  readonly sessionsRevoked: number;
  readonly devicesRevoked: readonly string[];
}

export async function resetMfa(
  tx: NotifyingRunner,
  user: UserRecord,
  byUserId: number | null,
  now: Date,
): Promise<MfaResetResult> {
  const methodsRemoved = await deleteAllMethods(tx, user.id);
  await deleteBackupCodes(tx, user.id);
  await setPreferredMethod(tx, user.id, null, now);
  const devicesRevoked = await revokeUserDevices(tx, user.id, 'mfa_reset', now);
  const sessionsRevoked = await revokeUserSessions(tx, user, {
    reason: 'mfa_reset',
    byUserId,
    now,
    announce: 'user',
  });
  return { methodsRemoved, sessionsRevoked, devicesRevoked };
}

/** The events of a reset, durable: one `trusted_device.revoke` per device, then `user.mfa_reset`. */
export async function auditMfaReset(
  append: (event: AuditEventInput) => Promise<void>,
  base: Omit<AuditEventInput, 'action' | 'status'>,
  email: string,
  result: MfaResetResult,
): Promise<void> {
  for (const device of result.devicesRevoked)
    await append({
      ...base,
      action: 'trusted_device.revoke',
      status: 'success',
      resource: device,
      resourceType: 'trusted_device',
      details: { reason: 'mfa_reset' },
    });
  await append({
    ...base,
    action: 'user.mfa_reset',
    status: 'success',
    resource: email,
    resourceType: 'user',
    details: {
      methods_removed: result.methodsRemoved,
      sessions_revoked: result.sessionsRevoked,
    },
  });
}
