// CORS for allow-listed origins only (identity.md §11): the SPA is same-origin, so this only
// matters for the public origin and, in development, the web dev server. Other origins get no
// CORS headers (and are refused by the Origin check).
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/types.js';
import { allowedOrigins } from './host-origin.js';

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Content-Type, Authorization, X-CSRF-Token, X-MFA-TOTP, X-MFA-WebAuthn';
const EXPOSE_HEADERS =
  'X-MFA-Required, X-MFA-Level, X-MFA-Methods, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-ID';

export function registerCors(app: FastifyInstance, config: Config): void {
  const origins = new Set(allowedOrigins(config));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin) || !request.url.startsWith('/api/')) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });
}
