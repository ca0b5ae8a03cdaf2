// Identity's part of the composition root: builds its services from the configuration and the
// shared dependencies, installs THE route guard, and registers the auth, user, session and info
// routes. `app.ts` calls this once; tests reach every piece through the built app.
import type { FastifyInstance } from 'fastify';
import { registerRouteGuard } from '../access/route-guard.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import { RateLimitAuditThrottle, RateLimiter } from '../http/rate-limit.js';
import type { Clock } from '../lib/clock.js';
import { readSettings, type SettingsStore } from '../settings/settings-store.js';
import { type ApiTokenResolver, createAuthenticator, UNKNOWN_API_TOKENS } from './authenticate.js';
import { cookieNames } from './cookies.js';
import type { CredentialCache } from './credential-cache.js';
import { CredentialFailures } from './credential-failures.js';
import { createCsrf } from './csrf.js';
import { registerInfoRoute } from './info-route.js';
import { limitCredentialFailures } from './limited-authenticate.js';
import { registerCliApprovalRoutes } from './login/cli-approval.js';
import { registerCliCompleteRoute } from './login/cli-complete.js';
import { registerCliLoginRoutes } from './login/cli-login.js';
import { registerWebLoginRoutes } from './login/web-login.js';
import type { MfaMethods } from './mfa-hooks.js';
import { createOidcClient, type OidcClient } from './oidc/oidc-client.js';
import { registerSessionRoutes } from './sessions/session-routes.js';
import { registerUserRoutes } from './users/user-routes.js';
import { findUserById } from './users/user-store.js';

export interface IdentityOptions {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly settings: SettingsStore;
  /** OIDC client (default: discovery of OIDC_ISSUER in the background from start-up). */
  readonly oidc?: OidcClient;
  /** MFA methods (src/mfa; tests may pass a stand-in). */
  readonly mfa: MfaMethods;
  /** API-token resolver (default: every `rgw_…` token is unknown). */
  readonly apiTokens?: ApiTokenResolver;
  /** Where validated sessions are remembered for a few seconds (credential-cache.ts). */
  readonly credentialCache: CredentialCache;
}

export interface Identity {
  readonly oidc: OidcClient;
  readonly limiter: RateLimiter;
}

export function registerIdentity(app: FastifyInstance, options: IdentityOptions): Identity {
  const { config, db, clock, audit } = options;
  const settings = () => readSettings(options.settings);
  const mfa = options.mfa;
  const oidc = options.oidc ?? createOidcClient(config, app.log);
  app.addHook('onClose', async () => oidc.close());
  const cookies = cookieNames(config);
  const csrf = createCsrf(config.secrets.appSecretKey);
  const limiter = new RateLimiter({
    rps: config.rateLimit.rps,
    burst: config.rateLimit.burst,
    clock,
  });
  registerRouteGuard(app, {
    config,
    clock,
    audit,
    csrf,
    cookies,
    limiter,
    mfa,
    settings,
    throttle: new RateLimitAuditThrottle(clock),
    authenticate: limitCredentialFailures(
      createAuthenticator({
        db,
        mfa,
        settings,
        apiTokens: options.apiTokens ?? UNKNOWN_API_TOKENS,
        sessions: options.credentialCache.partition(),
      }),
      new CredentialFailures(clock),
    ),
  });
  const login = { config, db, clock, oidc, mfa, settings, audit, cookies };
  registerWebLoginRoutes(app, login);
  registerCliLoginRoutes(app, login);
  registerCliApprovalRoutes(app, login);
  registerCliCompleteRoute(app, login);
  registerSessionRoutes(app, { config, db, clock, audit, cookies, settings });
  registerUserRoutes(app, { config, db, clock, audit, mfa });
  registerInfoRoute(app, {
    config,
    csrf,
    mfa,
    settings,
    preferredMethod: async (id) => (await findUserById(db, id))?.preferredMfaMethod ?? null,
  });
  return { oidc, limiter };
}
