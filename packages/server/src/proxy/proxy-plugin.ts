// Registers the rack proxy (`/api/v1/rack-proxy/*`) in its own context: bodies stay raw streams,
// errors are answered in the rack's format, and socket requests dial the rack before upgrading.
import '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RACK_PROXY_PATH } from '../access/routes/rack-proxy.js';
import { registerRoute } from '../http/register-route.js';
import { proxyHttp } from './http-proxy.js';
import { auditPolicyRefusal } from './proxy-audit.js';
import type { ProxyContext } from './proxy-context.js';
import {
  isNativeConvoxClient,
  proxyErrorOf,
  refuseInBand,
  sendProxyError,
} from './proxy-errors.js';
import { isWebSocketUpgrade } from './rack-target.js';
import { PolicyRefusal } from './request-policy.js';
import { dialForSocket, proxySocket } from './ws-proxy.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function onError(ctx: ProxyContext, err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const error = err instanceof PolicyRefusal ? err.error : err;
  if (err instanceof PolicyRefusal) auditPolicyRefusal(ctx.audit, request, err);
  return sendProxyError(request, reply, error);
}

export async function registerRackProxy(app: FastifyInstance, ctx: ProxyContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.setErrorHandler((err, request, reply) => onError(ctx, err, request, reply));
    scope.addHook('preHandler', async (request) => {
      if (request.ws && request.deferredDenial === null && request.rackTarget?.match)
        await dialForSocket(ctx, request);
    });
    for (const method of METHODS) {
      registerRoute(scope, {
        method,
        path: RACK_PROXY_PATH,
        handler: (request, reply) => proxyHttp(ctx, request, reply),
        ...(method === 'GET'
          ? {
              wsHandler: (socket, request) => {
                const denied = request.deferredDenial;
                if (denied === null) return proxySocket(ctx, socket, request);
                const e = proxyErrorOf(denied, request.id);
                refuseInBand(socket, e.message, request.rackTarget?.match?.route.row === 15);
                return undefined;
              },
            }
          : {}),
      });
    }
  });
}

/**
 * Whether a refusal of this request must be delivered in-band (native convox CLI sockets). Read
 * from the headers: the route guard decides before @fastify/websocket has marked the request.
 */
export function refusesInBand(request: FastifyRequest): boolean {
  return isWebSocketUpgrade(request.headers) && isNativeConvoxClient(request.headers['user-agent']);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A refusal kept for in-band delivery after the upgrade (native convox CLI sockets). */
    deferredDenial: Error | null;
  }
}
