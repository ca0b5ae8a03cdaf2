// The MFA domain's part of the composition root: its dependencies (crypto keys derived from
// APP_SECRET_KEY, settings read at use time), the MfaMethods plug handed to identity, and the
// self-service and admin routes of access-control.md §9.8 / §9.5.
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import { cookieNames } from '../identity/cookies.js';
import { createCsrf } from '../identity/csrf.js';
import type { Clock } from '../lib/clock.js';
import { createKeyedSerialiser } from '../lib/keyed-serialiser.js';
import { readSettings, type SettingsStore } from '../settings/settings-store.js';
import { createMfaCrypto } from './mfa-crypto.js';
import type { MfaDeps } from './mfa-deps.js';
import { registerDeviceRoutes } from './routes/device-routes.js';
import { registerEnrolmentRoutes } from './routes/enrolment-routes.js';
import { registerMethodRoutes } from './routes/method-routes.js';
import { registerResetRoute } from './routes/reset-route.js';
import { registerStatusRoute } from './routes/status-route.js';
import { registerVerifyRoute } from './routes/verify-route.js';

export function mfaDependencies(options: {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly settings: SettingsStore;
}): MfaDeps {
  const { config } = options;
  return {
    ...options,
    crypto: createMfaCrypto(config.secrets.appSecretKey, config.secrets.appSecretKeyPrevious),
    settings: () => readSettings(options.settings),
    attemptQueue: createKeyedSerialiser(),
  };
}

export function registerMfaRoutes(app: FastifyInstance, deps: MfaDeps): void {
  const routeDeps = {
    ...deps,
    cookies: cookieNames(deps.config),
    csrf: createCsrf(deps.config.secrets.appSecretKey),
  };
  registerStatusRoute(app, routeDeps);
  registerEnrolmentRoutes(app, routeDeps);
  registerVerifyRoute(app, routeDeps);
  registerMethodRoutes(app, routeDeps);
  registerDeviceRoutes(app, routeDeps);
  registerResetRoute(app, routeDeps);
}
