// Identity's start-up steps (run by `serve` after migrations and the audit chain): seed users
// from the environment, subscribe the settings cache to `rgw_settings`, and discover the OIDC
// issuer — which fails start-up with a clear message after OIDC_DISCOVERY_TIMEOUT_SECONDS.
import type { AuditLog } from '../audit/audit-log.js';
import { type BootstrapStep, FatalStartupError } from '../bootstrap.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { IdpUnavailableError, type OidcClient } from './oidc/oidc-client.js';
import { seedUsers } from './users/seed.js';

export interface IdentityStepDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly settings: SettingsStore;
  readonly oidc: OidcClient;
}

export function identitySteps(deps: IdentityStepDeps): BootstrapStep[] {
  return [
    {
      name: 'seed users',
      async run() {
        const result = await seedUsers({ ...deps, warn: (m) => deps.logger.warn(m) });
        if (result.created.length + result.restored.length > 0)
          deps.logger.info(result, 'users seeded from the environment');
      },
    },
    { name: 'settings', run: () => deps.settings.start() },
    {
      name: 'OIDC discovery',
      async run() {
        try {
          await deps.oidc.ready();
        } catch (err) {
          if (!(err instanceof IdpUnavailableError)) throw err;
          throw new FatalStartupError(
            `OIDC discovery of ${deps.config.oidc.issuer.href} failed for ${deps.config.oidc.discoveryTimeoutSeconds} s (${(err.cause as Error | undefined)?.message ?? 'unreachable'}); check OIDC_ISSUER and the network`,
          );
        }
      },
    },
  ];
}
