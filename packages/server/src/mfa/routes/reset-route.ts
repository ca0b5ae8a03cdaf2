// `POST /users/:email/mfa/reset` (access-control.md §9.5, MFA always): an admin resets another
// user's MFA; nobody resets their own (403 `self_action_forbidden`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import { registerRoute } from '../../http/register-route.js';
import { actOnOtherUser, actorId, EmailParams } from '../../identity/users/user-admin.js';
import { auditMfaReset, resetMfa } from '../mfa-reset.js';
import type { MfaRouteDeps } from './route-deps.js';

const ResetReply = Type.Object({
  methods_removed: Type.Integer(),
  sessions_revoked: Type.Integer(),
});

async function reset(deps: MfaRouteDeps, request: FastifyRequest) {
  const now = deps.clock.now();
  const { target, result } = await actOnOtherUser(deps.db, request, 'reset the MFA of', (tx, t) =>
    resetMfa(tx, t, actorId(request), now),
  );
  const base = eventFor(request, { action: 'user.mfa_reset', status: 'success' });
  await auditMfaReset((e) => appendDurable(deps.audit, e), base, target.email, result);
  return { methods_removed: result.methodsRemoved, sessions_revoked: result.sessionsRevoked };
}

export function registerResetRoute(app: FastifyInstance, deps: MfaRouteDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/mfa/reset',
    schema: { params: EmailParams, response: { 200: ResetReply } },
    handler: (request) => reset(deps, request),
  });
}
