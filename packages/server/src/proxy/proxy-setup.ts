// Builds the rack proxy's services (upstream connection, env policy, capture, socket registry)
// from the configuration and registers its routes; the registry follows the app's lifecycle.
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { TerminalCapture } from '../audit/capture/terminal-capture.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import { createAppEnvPolicy } from '../settings/app-env-policy.js';
import { readSettings, type SettingsStore } from '../settings/settings-store.js';
import type { ProxyContext } from './proxy-context.js';
import { registerRackProxy } from './proxy-plugin.js';
import { createRackDispatcher, rackTlsFromConfig } from './rack-dispatcher.js';
import { isWebSocketUpgrade } from './rack-target.js';
import { createSocketRegistry } from './socket-registry.js';
import { createSocketRevalidation } from './socket-revalidation.js';

export interface ProxySetupDeps {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly settings: SettingsStore;
  /** `RGW_APP_<APP>_SETTING_*` overrides. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function setupRackProxy(
  app: FastifyInstance,
  deps: ProxySetupDeps,
): Promise<ProxyContext> {
  const { config } = deps;
  const tls = rackTlsFromConfig(config);
  const dispatcher = createRackDispatcher(tls);
  const sockets = createSocketRegistry({
    db: deps.db,
    logger: deps.logger,
    revalidate: createSocketRevalidation(deps.db, deps.clock, () => readSettings(deps.settings)),
  });
  const ctx: ProxyContext = {
    config,
    rack: config.rack.connection,
    tls,
    upstream: {
      baseUrl: config.rack.connection.url,
      dispatcher,
      responseTimeoutSeconds: config.rack.responseTimeoutSeconds,
      streamIdleTimeoutSeconds: config.rack.streamIdleTimeoutSeconds,
    },
    audit: deps.audit,
    settings: deps.settings,
    envPolicy: createAppEnvPolicy({
      db: deps.db,
      clock: deps.clock,
      env: deps.env,
      globalSecretNames: config.rack.secretEnvVars,
    }),
    sockets,
    capture: new TerminalCapture({
      db: deps.db,
      maxBytes: config.audit.captureMaxBytes,
      retentionDays: config.audit.captureRetentionDays,
      now: () => deps.clock.now().getTime(),
    }),
  };
  app.decorateRequest('rackTarget', null);
  app.decorateRequest('upstreamSocket', null);
  app.decorateRequest('auditAttemptSeq', null);
  app.decorateRequest('deferredDenial', null);
  await app.register(fastifyWebsocket, {
    options: { skipUTF8Validation: true, perMessageDeflate: false },
  });
  await registerRackProxy(app, ctx);
  app.addHook('onResponse', async (request) => closeRefusedUpgrade(request));
  app.addHook('onReady', () => sockets.start());
  app.addHook('onClose', async () => {
    await sockets.stop();
    await dispatcher.close();
  });
  return ctx;
}

/**
 * An upgrade refused with an HTTP answer (by the route guard, before @fastify/websocket saw the
 * request) leaves its socket outside the server's connection tracking: end it once answered.
 */
function closeRefusedUpgrade(request: FastifyRequest): void {
  if (request.ws || !isWebSocketUpgrade(request.headers)) return;
  const socket = request.raw.socket;
  if (!socket.destroyed) socket.end(() => socket.destroy());
}
