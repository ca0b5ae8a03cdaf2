// GET /api/v1/health: reachability of the database, the audit writer's state (audit.md §5.3) and
// whether start-up finished. It answers 200 only when the gateway serves requests, so a load
// balancer or a script never sends traffic to an instance that still answers 503 `starting`. It
// recovers by itself: every call probes the database again. The OIDC issuer's state is reported
// (`idp`) but does not make the gateway unready: without it, API tokens and the native convox CLI
// are still served and only interactive logins are refused (issue 19, finding 3).
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { IdpStatus } from '../identity/oidc/oidc-client.js';
import type { Readiness } from './readiness.js';
import { registerRoute } from './register-route.js';

export interface HealthOptions {
  readonly db: Database;
  readonly probeTimeoutMs?: number;
  /** Absent when the app is built ready (tests, commands). */
  readonly readiness?: Readiness;
  /** The OIDC issuer's discovery state. */
  readonly idp?: () => IdpStatus;
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
      const ready = options.readiness?.ready ?? true;
      const ok = database === 'ok' && ready;
      const audit = app.audit.healthy() ? 'ok' : 'degraded';
      return reply.code(ok ? 200 : 503).send({
        status: healthStatus(ready, ok && audit === 'ok'),
        service: 'rack-gateway',
        database,
        audit,
        ...(options.idp ? { idp: options.idp() } : {}),
        ...(ready ? {} : { detail: options.readiness?.detail }),
      });
    },
  });
}

function healthStatus(ready: boolean, healthy: boolean): 'ok' | 'degraded' | 'starting' {
  if (!ready) return 'starting';
  return healthy ? 'ok' : 'degraded';
}
