// Managing confirmed methods (identity.md §14.1-14.3, access-control.md §9.8): preferred method
// (step-up), relabel (step-up), remove (always; removing the last method also revokes the trusted
// devices as `mfa_disabled` and drops the backup codes) and backup-code regeneration (step-up;
// the new set is returned once).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BadRequestError, NotFoundError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { findUserById } from '../../identity/users/user-store.js';
import { backupCodeStatus, deleteBackupCodes, replaceBackupCodes } from '../backup-codes.js';
import {
  deleteMethod,
  findMethod,
  type MfaMethodRecord,
  renameMethod,
  setPreferredMethod,
} from '../method-store.js';
import { confirmedTypes } from '../mfa-methods.js';
import { revokeUserDevices } from '../trusted-devices.js';
import { callerOf, type MfaRouteDeps, recordMfaEvent } from './route-deps.js';
import { requireEnrolled } from './verify-route.js';

const MethodParams = Type.Object({ methodId: Type.String({ minLength: 36, maxLength: 36 }) });
const PreferredBody = Type.Object(
  { method: Type.Union([Type.Literal('totp'), Type.Literal('webauthn')]) },
  { additionalProperties: false },
);
const LabelBody = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }) },
  { additionalProperties: false },
);
const MethodReply = Type.Object({ id: Type.String(), type: Type.String(), label: Type.String() });
const Ok = Type.Object({ ok: Type.Boolean() });
const CodesReply = Type.Object({
  backup_codes: Type.Array(Type.String()),
  generated_at: Type.String(),
});

async function ownConfirmed(deps: MfaRouteDeps, request: FastifyRequest): Promise<MfaMethodRecord> {
  const { methodId } = request.params as { methodId: string };
  const method = await findMethod(deps.db, callerOf(request).user.id, methodId);
  if (method === null || method.confirmedAt === null)
    throw new NotFoundError('mfa_method_not_found', 'No such MFA method.');
  return method;
}

async function setPreferred(deps: MfaRouteDeps, request: FastifyRequest) {
  const { user } = callerOf(request);
  const { method } = request.body as Type.Static<typeof PreferredBody>;
  if (!(await confirmedTypes(deps, user.id)).includes(method))
    throw new BadRequestError('mfa_method_not_enrolled', `You have no confirmed ${method} method.`);
  const old = (await findUserById(deps.db, user.id))?.preferredMfaMethod ?? null;
  await setPreferredMethod(deps.db, user.id, method, deps.clock.now());
  await recordMfaEvent(deps, request, {
    action: 'mfa.preferred_method.update',
    status: 'success',
    resource: user.email,
    details: { old, new: method },
  });
  return { ok: true };
}

async function relabel(deps: MfaRouteDeps, request: FastifyRequest) {
  const method = await ownConfirmed(deps, request);
  const label = (request.body as { label: string }).label.trim();
  await renameMethod(deps.db, method.id, label);
  await recordMfaEvent(deps, request, {
    action: 'mfa_method.update',
    status: 'success',
    resource: method.uid,
    details: { changes: { label: { old: method.label, new: label } } },
  });
  return { id: method.uid, type: method.type, label };
}

async function remove(deps: MfaRouteDeps, request: FastifyRequest) {
  const method = await ownConfirmed(deps, request);
  const { user } = callerOf(request);
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    await deleteMethod(tx, method.id);
    const left = await tx.query<{ type: string }>(
      'SELECT type FROM mfa_methods WHERE user_id = $1 AND confirmed_at IS NOT NULL',
      [user.id],
    );
    const types = new Set(left.map((r) => r.type));
    const preferred = (await findUserById(tx, user.id))?.preferredMfaMethod ?? null;
    if (preferred !== null && !types.has(preferred))
      await setPreferredMethod(tx, user.id, null, now);
    if (left.length > 0) return { remaining: left.length, devices: [] as string[] };
    await deleteBackupCodes(tx, user.id);
    return { remaining: 0, devices: await revokeUserDevices(tx, user.id, 'mfa_disabled', now) };
  });
  for (const device of result.devices)
    await recordMfaEvent(deps, request, {
      action: 'trusted_device.revoke',
      status: 'success',
      resource: device,
      details: { reason: 'mfa_disabled' },
    });
  await recordMfaEvent(deps, request, {
    action: 'mfa_method.delete',
    status: 'success',
    resource: method.uid,
    details: {
      method_type: method.type,
      label: method.label,
      remaining_methods: result.remaining,
      trusted_devices_revoked: result.devices.length,
    },
  });
  return { ok: true };
}

async function regenerate(deps: MfaRouteDeps, request: FastifyRequest) {
  const { user } = callerOf(request);
  await requireEnrolled(deps, user.id);
  const now = deps.clock.now();
  const codes = await deps.db.transaction((tx) =>
    replaceBackupCodes(tx, deps.crypto, user.id, now),
  );
  await recordMfaEvent(deps, request, {
    action: 'mfa.backup_codes.regenerate',
    status: 'success',
    resource: user.email,
    details: { count: codes.length },
  });
  const status = await backupCodeStatus(deps.db, user.id);
  return { backup_codes: codes, generated_at: status.last_generated_at ?? now.toISOString() };
}

export function registerMethodRoutes(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'PUT',
    path: '/api/v1/auth/mfa/preferred-method',
    schema: { body: PreferredBody, response: { 200: Ok } },
    handler: (request) => setPreferred(deps, request),
  });
  registerRoute(app, {
    method: 'PUT',
    path: '/api/v1/auth/mfa/methods/:methodId',
    schema: { params: MethodParams, body: LabelBody, response: { 200: MethodReply } },
    handler: (request) => relabel(deps, request),
  });
  registerRoute(app, {
    method: 'DELETE',
    path: '/api/v1/auth/mfa/methods/:methodId',
    schema: { params: MethodParams, response: { 200: Ok } },
    handler: (request) => remove(deps, request),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/mfa/backup-codes/regenerate',
    schema: { response: { 200: CodesReply } },
    handler: (request) => regenerate(deps, request),
  });
}
