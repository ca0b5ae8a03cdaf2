// The web-safe Convox routes (access-control.md §9.3): every `/convox/*` row is served by the rack
// proxy's own engine on the rack path it forwards to, so masking, request policy and audit are
// those of the matching rack row. The route guard has already applied the row's permission and MFA
// level. Cookie-authenticated log sockets also need the public Origin (identity.md §11).
import '@fastify/websocket';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GatewayRoute } from '../access/route-types.js';
import { CONVOX_ROUTES } from '../access/routes/convox.js';
import type { Config } from '../config/types.js';
import { BadRequestError, ForbiddenError } from '../http/errors.js';
import { allowedOrigins } from '../http/host-origin.js';
import { registerRoute } from '../http/register-route.js';
import { proxyHttp } from '../proxy/http-proxy.js';
import { auditPolicyRefusal } from '../proxy/proxy-audit.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { PolicyRefusal } from '../proxy/request-policy.js';
import { dialForSocket, proxySocket } from '../proxy/ws-proxy.js';
import { PromoteBody, promoteForm, ScaleBody, scaleForm } from './convox-bodies.js';
import { convoxTarget } from './convox-target.js';
import { type LogQuery, logHeaders } from './log-options.js';

type Body = ((request: FastifyRequest) => Buffer | null) | undefined;

/** What the rack sees of a browser request: JSON answers, and the form the gateway composed. */
function rackHeaders(request: FastifyRequest, form: boolean): IncomingHttpHeaders {
  return {
    accept: 'application/json',
    'user-agent': request.headers['user-agent'] ?? '',
    ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  };
}

/** The rack body of each web-safe mutation (undefined: a read, nothing to send). */
function bodyOf(row: GatewayRoute): Body {
  if (row.method === 'PUT') return (r) => scaleForm(r.body as Record<string, number>);
  if (row.path.endsWith('/promote')) return (r) => promoteForm(r.body as { force?: boolean });
  if (row.method === 'POST' || row.method === 'DELETE') return () => null;
  return undefined;
}

// The query of a read is passed on verbatim; `limit` must be what the rack parses (a decimal), or
// the rack answers 500 for the gateway's own API (convox-rack-api.md §2.3).
const ReadQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) });

function schemaOf(row: GatewayRoute) {
  if (row.method === 'PUT') return { body: ScaleBody };
  if (row.path.endsWith('/promote')) return { body: PromoteBody };
  if (row.method === 'GET') return { querystring: ReadQuery };
  return undefined;
}

/** A cookie-authenticated socket must come from the gateway's own pages (identity.md §11). */
function checkSocketOrigin(config: Config, request: FastifyRequest): void {
  if (request.credential?.source !== 'cookie') return;
  const origin = request.headers.origin;
  if (origin === undefined || !allowedOrigins(config).includes(origin))
    throw new ForbiddenError(
      'origin_required',
      'A browser log socket must be opened from the gateway web app.',
    );
}

async function forward(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  row: GatewayRoute,
): Promise<FastifyReply> {
  request.rackTarget = convoxTarget(request, row);
  const body = bodyOf(row)?.(request) ?? null;
  try {
    return await proxyHttp(ctx, request, reply, {
      headers: rackHeaders(request, body !== null),
      body,
    });
  } catch (err) {
    if (!(err instanceof PolicyRefusal)) throw err;
    auditPolicyRefusal(ctx.audit, request, err);
    throw err.error;
  }
}

export async function registerConvoxRoutes(app: FastifyInstance, ctx: ProxyContext) {
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request) => {
      if (!request.ws) return;
      const row = request.routeOptions.config.policy;
      if (row === undefined) return;
      checkSocketOrigin(ctx.config, request);
      request.rackTarget = convoxTarget(request, row);
      await dialForSocket(ctx, request, logHeaders(request.query as LogQuery));
    });
    for (const row of CONVOX_ROUTES) {
      const schema = schemaOf(row);
      registerRoute(scope, {
        method: row.method,
        path: row.path,
        ...(schema ? { schema } : {}),
        handler:
          row.method === 'SOCKET'
            ? () => {
                throw new BadRequestError('websocket_required', 'Open this path as a WebSocket.');
              }
            : (request, reply) => forward(ctx, request, reply, row),
        ...(row.method === 'SOCKET'
          ? { wsHandler: (socket, request) => proxySocket(ctx, socket, request) }
          : {}),
      });
    }
  });
}
