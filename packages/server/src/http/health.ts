// GET /api/v1/health: liveness of the process, reachability of the database and the audit writer's
// state (audit.md §5.3). It recovers by itself: every call probes the database again.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { registerRoute } from './register-route.js';

export interface HealthOptions {
  readonly db: Database;
  readonly probeTimeoutMs?: number;
}

export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/health',
    handler: async (request, reply) => {
      let database: 'ok' | 'unavailable' = 'ok';
      try {
        await options.db.ping(options.probeTimeoutMs ?? 2000);
      } catch (err) {
        database = 'unavailable';
        request.log.warn({ err: (err as Error).message }, 'health: database unreachable');
      }
      const ok = database === 'ok';
      const audit = app.audit.healthy() ? 'ok' : 'degraded';
      return reply.code(ok ? 200 : 503).send({
        status: ok && audit === 'ok' ? 'ok' : 'degraded',
        service: 'rack-gateway',
        database,
        audit,
      });
    },
  });
}
