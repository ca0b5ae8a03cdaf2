// Until the database has been reached and migrated, only health answers; everything else gets a
// clear 503 instead of a half-initialised server.
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from './errors.js';

export interface Readiness {
  ready: boolean;
  detail: string;
}

export function createReadiness(ready = false): Readiness {
  return { ready, detail: ready ? 'ready' : 'starting: waiting for the database' };
}

export function registerReadinessGate(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onRequest', async (request) => {
    if (readiness.ready || request.url.startsWith('/api/v1/health')) return;
    throw new ServiceUnavailableError(
      'starting',
      `The gateway is ${readiness.detail}; try again shortly.`,
    );
  });
}
