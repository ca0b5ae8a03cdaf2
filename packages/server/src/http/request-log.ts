// One `log_type: "request"` line per request (audit.md §11), without bodies, skipping health
// checks and static assets.
import type { FastifyInstance } from 'fastify';

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api/v1/health' || path.startsWith('/app/assets/')) return;
    request.log.info({
      log_type: 'request',
      request_id: request.id,
      method: request.method,
      path,
      status: reply.statusCode,
      response_time_ms: Math.round(reply.elapsedTime),
      ip_address: request.ip,
    });
  });
}
