// `POST /users/:email/idp-binding/reset` (access-control.md §9.5, MFA always): an admin clears
// another user's identity provider binding after the user's subject changed at the provider;
// nobody resets their own (403 `self_action_forbidden`), so a second admin or the break-glass
// command vouches for the new identity.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import { registerRoute } from '../../http/register-route.js';
import { idpBindingResetEvent, resetIdpBinding } from './idp-binding.js';
import { type AdminDeps, actOnOtherUser, actorId, EmailParams } from './user-admin.js';

/** The subject itself stays out of API answers (user-view.ts); the audit event records it. */
const ResetReply = Type.Object({
  was_bound: Type.Boolean(),
  sessions_revoked: Type.Integer(),
});

async function reset(deps: AdminDeps, request: FastifyRequest) {
  const now = deps.clock.now();
  const { target, result } = await actOnOtherUser(
    deps.db,
    request,
    'reset the identity provider binding of',
    (tx, t) => resetIdpBinding(tx, t, actorId(request), now),
  );
  const base = eventFor(request, { action: 'user.idp_binding_reset', status: 'success' });
  await appendDurable(deps.audit, idpBindingResetEvent(base, target.email, result));
  return { was_bound: result.previousSubject !== null, sessions_revoked: result.sessionsRevoked };
}

export function registerIdpBindingRoute(app: FastifyInstance, deps: AdminDeps): void {
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/idp-binding/reset',
    schema: { params: EmailParams, response: { 200: ResetReply } },
    handler: (request) => reset(deps, request),
  });
}
