// HTTP handlers of /roles and /users (access-control.md §9.5). Thin: parse, call, reply. The
// guard has already checked permission and self scope: a self-scoped caller sees only themselves.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ROLES } from '../../access/roles.js';
import { NotFoundError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import type { MfaMethods } from '../mfa-hooks.js';
import { registerIdpBindingRoute } from './idp-binding-route.js';
import {
  type AdminDeps,
  createUser,
  EmailParams,
  renameUser,
  updateUserAsAdmin,
} from './user-admin.js';
import { deleteUserAsAdmin, lockUser, unlockUser } from './user-lifecycle.js';
import { findUserByEmail, listUsers } from './user-store.js';
import { UserView, userView } from './user-view.js';

export interface UserRouteDeps extends AdminDeps {
  readonly mfa: MfaMethods;
}

const Name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const RoleList = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 });
const CreateBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), name: Name, roles: RoleList },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254 })),
    name: Type.Optional(Name),
    roles: Type.Optional(RoleList),
    suspended: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const NameBody = Type.Object({ name: Name }, { additionalProperties: false });
const LockBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) },
  { additionalProperties: false },
);
const RoleView = Type.Object({
  name: Type.String(),
  label: Type.String(),
  description: Type.String(),
  assignable: Type.Boolean(),
  permissions: Type.Array(Type.String()),
});
const Ok = Type.Object({ ok: Type.Boolean() });

const emailOf = (request: FastifyRequest): string => (request.params as { email: string }).email;

export function registerUserRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  const view = (u: Parameters<typeof userView>[0]) => userView(u, deps.mfa);
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/roles',
    schema: { response: { 200: Type.Array(RoleView) } },
    handler: () => Object.values(ROLES).map((r) => ({ ...r, permissions: [...r.permissions] })),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/users',
    schema: { response: { 200: Type.Array(UserView) } },
    handler: async (request) => {
      const all = await listUsers(deps.db);
      const visible =
        request.access?.scope === 'self'
          ? all.filter((u) => u.id === request.principal?.user.id)
          : all;
      return Promise.all(visible.map(view));
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/users/:email',
    schema: { params: EmailParams, response: { 200: UserView } },
    handler: async (request) => {
      const user = await findUserByEmail(deps.db, emailOf(request));
      if (user === null)
        throw new NotFoundError('user_not_found', `No user ${emailOf(request).toLowerCase()}.`);
      return view(user);
    },
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users',
    schema: { body: CreateBody, response: { 201: UserView } },
    handler: async (request, reply) => {
      const body = request.body as Type.Static<typeof CreateBody>;
      return reply.code(201).send(await view(await createUser(deps, request, body)));
    },
  });
  registerRoute(app, {
    method: 'PUT',
    path: '/api/v1/users/:email',
    schema: { params: EmailParams, body: UpdateBody, response: { 200: UserView } },
    handler: async (request) =>
      view(
        await updateUserAsAdmin(
          deps,
          request,
          emailOf(request),
          request.body as Type.Static<typeof UpdateBody>,
        ),
      ),
  });
  registerRoute(app, {
    method: 'PUT',
    path: '/api/v1/users/:email/name',
    schema: { params: EmailParams, body: NameBody, response: { 200: UserView } },
    handler: async (request) =>
      view(
        await renameUser(deps, request, emailOf(request), (request.body as { name: string }).name),
      ),
  });
  registerRoute(app, {
    method: 'DELETE',
    path: '/api/v1/users/:email',
    schema: { params: EmailParams, response: { 200: Ok } },
    handler: async (request) => {
      await deleteUserAsAdmin(deps, request, emailOf(request));
      return { ok: true };
    },
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/lock',
    schema: { params: EmailParams, body: LockBody, response: { 200: UserView } },
    handler: async (request) =>
      view(
        await lockUser(
          deps,
          request,
          emailOf(request),
          (request.body as { reason: string }).reason,
        ),
      ),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/users/:email/unlock',
    schema: { params: EmailParams, response: { 200: UserView } },
    handler: async (request) => view(await unlockUser(deps, request, emailOf(request))),
  });
  registerIdpBindingRoute(app, deps);
}
