// HTTP handlers of /api-tokens (access-control.md §7, §9.6). Thin: parse, call token-admin, reply.
// The guard has checked permission, MFA level and self scope; the secret is returned only by create.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { registerRoute } from '../../http/register-route.js';
import { ALL_PERMISSIONS, CATALOGUE, covers } from '../permissions.js';
import { ROLES } from '../roles.js';
import {
  createToken,
  deleteToken,
  type TokenAdminDeps,
  updateToken,
  visibleToken,
} from './token-admin.js';
import { templatePermissions } from './token-permissions.js';
import type { ApiTokenRecord } from './token-store.js';

const TokenView = Type.Object({
  token_id: Type.String(),
  name: Type.String(),
  owner_email: Type.String(),
  permissions: Type.Array(Type.String()),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  last_used_ip: Type.Union([Type.String(), Type.Null()]),
});
const CreatedView = Type.Object({ ...TokenView.properties, token: Type.String() });
const Params = Type.Object({ tokenId: Type.String({ minLength: 1, maxLength: 64 }) });
const PermissionList = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 });
const Expiry = Type.Union([Type.String({ maxLength: 40 }), Type.Null()]);
const CreateBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    permissions: Type.Optional(PermissionList),
    role: Type.Optional(Type.String({ maxLength: 32 })),
    expires_at: Type.Optional(Expiry),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    permissions: Type.Optional(PermissionList),
    expires_at: Type.Optional(Expiry),
  },
  { additionalProperties: false },
);

export function tokenView(t: ApiTokenRecord) {
  return {
    token_id: t.uid,
    name: t.name,
    owner_email: t.ownerEmail,
    permissions: [...t.permissions],
    created_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    last_used_ip: t.lastUsedIp,
  };
}

/** The catalogue grouped by scope and resource, role templates, and what the caller may grant. */
function permissionsDocument(request: FastifyRequest) {
  const held = request.principal?.permissions ?? [];
  return {
    catalogue: Object.entries(CATALOGUE).flatMap(([scope, resources]) =>
      Object.entries(resources).map(([resource, actions]) => ({
        scope,
        resource,
        permissions: (actions as readonly string[]).map((a) => `${scope}:${resource}:${a}`),
      })),
    ),
    roles: Object.values(ROLES).map((r) => ({
      name: r.name,
      label: r.label,
      description: r.description,
      permissions: templatePermissions(r.name),
    })),
    grantable: ALL_PERMISSIONS.filter(
      (p) =>
        held.some((h) => covers(h, p)) && (!p.startsWith('auth:') || p === 'auth:profile:read'),
    ),
    default_permissions: [...ROLES.cicd.permissions],
  };
}

const tokenIdOf = (request: FastifyRequest): string =>
  (request.params as { tokenId: string }).tokenId;

export function registerTokenRoutes(app: FastifyInstance, deps: TokenAdminDeps): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/api-tokens',
    schema: { response: { 200: Type.Array(TokenView) } },
    handler: async (request) => {
      const own = request.access?.scope === 'self' ? (request.principal?.user.id ?? -1) : null;
      return (await deps.store.list(own)).map(tokenView);
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/api-tokens/permissions',
    handler: (request) => permissionsDocument(request),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/api-tokens/:tokenId',
    schema: { params: Params, response: { 200: TokenView } },
    handler: async (request) => tokenView(await visibleToken(deps, request, tokenIdOf(request))),
  });
  registerRoute(app, {
    method: 'POST',
    path: '/api/v1/api-tokens',
    schema: { body: CreateBody, response: { 201: CreatedView } },
    handler: async (request, reply) => {
      const { token, secret } = await createToken(
        deps,
        request,
        request.body as Type.Static<typeof CreateBody>,
      );
      return reply.code(201).send({ ...tokenView(token), token: secret });
    },
  });
  registerRoute(app, {
    method: 'PUT',
    path: '/api/v1/api-tokens/:tokenId',
    schema: { params: Params, body: UpdateBody, response: { 200: TokenView } },
    handler: async (request) =>
      tokenView(
        await updateToken(
          deps,
          request,
          tokenIdOf(request),
          request.body as Type.Static<typeof UpdateBody>,
        ),
      ),
  });
  registerRoute(app, {
    method: 'DELETE',
    path: '/api/v1/api-tokens/:tokenId',
    schema: { params: Params },
    handler: async (request) => {
      await deleteToken(deps, request, tokenIdOf(request));
      return { deleted: true };
    },
  });
}
