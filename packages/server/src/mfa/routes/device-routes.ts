// Trusted devices from the security page (identity.md §14.7): trust this browser (step-up, web
// sessions only, when the TTL setting is not 0) and revoke one of the caller's devices (step-up;
// revoking this browser's own device also clears its cookie).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BadRequestError, NotFoundError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { cookieOptions } from '../../identity/cookies.js';
import { sha256Hex } from '../../identity/secrets.js';
import { findUserDevice, revokeDevice } from '../trusted-devices.js';
import { callerOf, type MfaRouteDeps, recordMfaEvent } from './route-deps.js';
import { canTrustDevice, trustDevice } from './session-completion.js';
import { DeviceRef, requireEnrolled } from './verify-route.js';

const DeviceParams = Type.Object({ deviceId: Type.String({ minLength: 36, maxLength: 36 }) });
const Ok = Type.Object({ ok: Type.Boolean() });

async function trust(deps: MfaRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  await requireEnrolled(deps, callerOf(request).user.id);
  if (!(await canTrustDevice(deps, request)))
    throw new BadRequestError(
      'trusted_devices_unavailable',
      'Trusted devices are disabled, or this is not a browser session.',
    );
  return trustDevice(deps, request, reply);
}

async function revoke(deps: MfaRouteDeps, request: FastifyRequest, reply: FastifyReply) {
  const { deviceId } = request.params as { deviceId: string };
  const device = await findUserDevice(deps.db, callerOf(request).user.id, deviceId);
  if (device === null) throw new NotFoundError('trusted_device_not_found', 'No such device.');
  await revokeDevice(deps.db, device.id, 'user_request', deps.clock.now());
  const cookie = request.cookies[deps.cookies.trustedDevice];
  if (cookie && sha256Hex(cookie) === device.tokenHash)
    reply.clearCookie(deps.cookies.trustedDevice, cookieOptions(deps.config));
  await recordMfaEvent(deps, request, {
    action: 'trusted_device.revoke',
    status: 'success',
    resource: device.uid,
    details: { reason: 'user_request' },
  });
  return { ok: true };
}

export function registerDeviceRoutes(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/auth/mfa/trusted-devices/trust',
    schema: { response: { 200: DeviceRef } },
    handler: (request, reply) => trust(deps, request, reply),
  });
  registerRoute(app, {
    method: 'DELETE',
    path: '/api/v1/auth/mfa/trusted-devices/:deviceId',
    schema: { params: DeviceParams, response: { 200: Ok } },
    handler: (request, reply) => revoke(deps, request, reply),
  });
}
