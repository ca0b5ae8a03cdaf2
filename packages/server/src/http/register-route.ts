// The one way to register a route: from its route-table row. An `onRoute` hook makes startup fail
// for any route registered without a row, so a forgotten entry stops the server at boot.
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RouteOptions,
} from 'fastify';
import type WebSocket from 'ws';
import { openApiExtensions } from '../access/route-policy-export.js';
import { findGatewayRoute } from '../access/route-table.js';
import type { GatewayRoute } from '../access/route-types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: GatewayRoute;
  }
}

export class MissingRouteEntryError extends Error {
  constructor(method: string, url: string) {
    super(
      `route ${method} ${url} has no entry in the route table (packages/server/src/access/route-table.ts)`,
    );
    this.name = 'MissingRouteEntryError';
  }
}

export function enforceRouteTable(app: FastifyInstance): void {
  const registered: string[] = [];
  app.decorate('registeredRoutes', registered);
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    // Only the implicit HEAD twin of a GET is exempt; a HEAD the table declares is recorded.
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(
      (m) => m !== 'HEAD' || policy?.method === 'HEAD',
    );
    if (methods.length === 0) return;
    if (policy === undefined) throw new MissingRouteEntryError(methods.join(','), route.url);
    registered.push(`${policy.method} ${policy.path}`);
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD path` of every route registered from the table (coverage test). */
    readonly registeredRoutes: readonly string[];
  }
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

export interface RouteDefinition {
  readonly method: GatewayRoute['method'];
  readonly path: string;
  readonly schema?: FastifySchema;
  readonly handler: Handler;
  /** For GET routes that also accept WebSocket upgrades (@fastify/websocket). */
  readonly wsHandler?: (socket: WebSocket, request: FastifyRequest) => Promise<void> | undefined;
}

/** Registers `def` with the table row of the same method and path (throws when there is none). */
export function registerRoute(app: FastifyInstance, def: RouteDefinition): void {
  const policy = findGatewayRoute(def.method, def.path);
  if (policy === undefined) throw new MissingRouteEntryError(def.method, def.path);
  const options: RouteOptions = {
    method: def.method === 'SOCKET' ? 'GET' : def.method,
    url: def.path,
    config: { policy },
    handler: def.handler,
    // The row's permission, MFA level and audit action annotate the OpenAPI operation.
    schema: { ...def.schema, ...openApiExtensions(policy) },
    ...(def.wsHandler ? { wsHandler: def.wsHandler } : {}),
    // HEAD is declared explicitly where the table lists it, never added implicitly.
    exposeHeadRoute: false,
  };
  app.route(options);
}
