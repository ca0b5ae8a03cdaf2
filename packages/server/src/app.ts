// Composition root: builds the fastify app from the configuration and the services passed in.
// Nothing here reads globals; tests build an app with a fresh database in one call.
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { createTokenResolver } from './access/tokens/token-resolver.js';
import { registerTokenRoutes } from './access/tokens/token-routes.js';
import { createTokenStore } from './access/tokens/token-store.js';
import { type AuditLog, loggerAuditLog } from './audit/audit-log.js';
import { registerAuditRoutes } from './audit/http/audit-routes.js';
import type { Config } from './config/types.js';
import { registerConvoxApi } from './convox-api/register.js';
import type { Database } from './db/database.js';
import { registerCors } from './http/cors.js';
import { sendError } from './http/error-mapper.js';
import { NotFoundError } from './http/errors.js';
import { registerHealth } from './http/health.js';
import { registerInputChecks, sendFrameworkError } from './http/input-checks.js';
import { type Readiness, registerReadinessGate } from './http/readiness.js';
import { enforceRouteTable, registerRoute } from './http/register-route.js';
import { registerRequestLog } from './http/request-log.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerSpa } from './http/spa.js';
import { registerCredentialCache } from './identity/credential-cache.js';
import {
  type Identity,
  type IdentityOptions,
  registerIdentity,
} from './identity/identity-plugin.js';
import { type Clock, systemClock } from './lib/clock.js';
import type { Logger } from './logging/logger.js';
import { createMfaMethods } from './mfa/mfa-methods.js';
import { mfaDependencies, registerMfaRoutes } from './mfa/mfa-plugin.js';
import { setupRackProxy } from './proxy/proxy-setup.js';
import { createSettingsStore, type SettingsStore } from './settings/settings-store.js';

export interface AppDeps {
  readonly db: Database;
  readonly logger: Logger;
  /** Directory of the built web client (packages/web/dist). */
  readonly webDistDir: string;
  readonly readiness?: Readiness;
  readonly clock?: Clock;
  /** Audit sink; defaults to the logger-backed stand-in until the chain writer is passed in. */
  readonly audit?: AuditLog;
  /** Settings store (default: one on `db` with no `RGW_SETTING_*` overrides). */
  readonly settings?: SettingsStore;
  /** Identity services replaced in tests (OIDC client, MFA stand-in, API tokens). */
  readonly identity?: Partial<Pick<IdentityOptions, 'oidc' | 'mfa' | 'apiTokens'>>;
  /** Environment holding `RGW_APP_<APP>_SETTING_*` overrides (default: none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.server.apiBodyLimitBytes,
    trustProxy:
      config.server.trustedProxyCidrs.length > 0 ? [...config.server.trustedProxyCidrs] : false,
    routerOptions: { maxParamLength: 500 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: sendFrameworkError,
  });
  const clock = deps.clock ?? systemClock;
  app.decorate('clock', clock);
  const audit = deps.audit ?? loggerAuditLog(deps.logger);
  app.decorate('audit', audit);
  const settings =
    deps.settings ?? createSettingsStore({ db: deps.db, clock, logger: deps.logger, env: {} });
  app.decorate('settings', settings);
  app.decorateRequest('csrfTokenForPage', null);

  enforceRouteTable(app);
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new NotFoundError(
        'not_found',
        `No route matches ${request.method} ${request.url.split('?')[0]}.`,
      ),
      request,
      reply,
    ),
  );
  registerSecurityHeaders(app, config);
  registerInputChecks(app); // before the route guard: nothing may see a NUL-bearing input
  if (config.logging.requests) registerRequestLog(app);
  if (deps.readiness) registerReadinessGate(app, deps.readiness);
  await app.register(fastifyCookie);
  // Before any route: the OpenAPI document collects routes as they register.
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'rack-gateway', version: config.version } },
  });
  const tokens = createTokenStore(deps.db);
  const credentialCache = registerCredentialCache(app, { db: deps.db, clock, logger: deps.logger });
  const mfa = mfaDependencies({ config, db: deps.db, clock, audit, settings });
  const identity = registerIdentity(app, {
    config,
    db: deps.db,
    clock,
    audit,
    settings,
    mfa: createMfaMethods(mfa),
    apiTokens: createTokenResolver({
      store: tokens,
      audit,
      logger: deps.logger,
      cache: credentialCache,
    }),
    credentialCache,
    ...deps.identity,
  });
  app.decorate('identity', identity);
  registerCors(app, config); // after the guard's Host/Origin checks

  registerTokenRoutes(app, { store: tokens, audit, clock });
  registerMfaRoutes(app, mfa);
  const proxy = await setupRackProxy(app, {
    config,
    db: deps.db,
    logger: deps.logger,
    clock,
    audit,
    settings,
    env: deps.env ?? {},
  });
  await registerConvoxApi(app, { proxy, db: deps.db });
  registerHealth(app, {
    db: deps.db,
    idp: () => identity.oidc.status(),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });
  registerAuditRoutes(app, { config, db: deps.db, logger: deps.logger });
  registerRoute(app, { method: 'GET', path: '/openapi.json', handler: () => app.swagger() });
  registerSpa(app, { distDir: deps.webDistDir, idpDisplayName: config.oidc.displayName });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    clock: Clock;
    audit: AuditLog;
    settings: SettingsStore;
    identity: Identity;
  }
}
