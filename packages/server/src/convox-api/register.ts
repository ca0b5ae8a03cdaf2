// The gateway API the web UI (and the CLI's env commands) use for rack data (access-control.md
// §9.2-9.3): the web-safe Convox routes, rack information, creators, and the app environment. Each
// handler is thin: the route guard has enforced the row; the work is in the modules it calls.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { registerRoute } from '../http/register-route.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { registerConvoxRoutes } from './convox-routes.js';
import { createdBy } from './created-by.js';
import { readAppEnv, revealAppEnv, updateAppEnv } from './env-api.js';
import { EnvPatchBody, type EnvPatchInput, parseEnvPatch } from './env-patch.js';
import { rackInfo } from './rack-info.js';

export interface ConvoxApiDeps {
  readonly proxy: ProxyContext;
  readonly db: Database;
}

const V1 = '/api/v1';
const AppParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }) });
const SecretQuery = Type.Object({ key: Type.Optional(Type.String({ maxLength: 256 })) });
const CreatedByQuery = Type.Object({ app: Type.Optional(Type.String({ maxLength: 64 })) });

const appOf = (request: FastifyRequest): string => (request.params as { app: string }).app;

export async function registerConvoxApi(app: FastifyInstance, deps: ConvoxApiDeps) {
  const ctx = deps.proxy;
  await registerConvoxRoutes(app, ctx);
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/rack`,
    handler: (request) => rackInfo(ctx, request),
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/created-by`,
    schema: { querystring: CreatedByQuery },
    handler: (request) =>
      createdBy(deps.db, ctx.config.audit.chainId, (request.query as { app?: string }).app),
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/apps/:app/env`,
    schema: { params: AppParams },
    handler: (request) => readAppEnv(ctx, request, appOf(request)),
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/apps/:app/env/secrets`,
    schema: { params: AppParams, querystring: SecretQuery },
    handler: (request) =>
      revealAppEnv(ctx, request, appOf(request), (request.query as { key?: string }).key),
  });
  registerRoute(app, {
    method: 'PUT',
    path: `${V1}/apps/:app/env`,
    schema: { params: AppParams, body: EnvPatchBody },
    handler: (request) =>
      updateAppEnv(ctx, request, appOf(request), parseEnvPatch(request.body as EnvPatchInput)),
  });
}
