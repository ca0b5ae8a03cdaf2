// Identity's start-up steps (run by `serve` after migrations and the audit chain): seed users
// from the environment, subscribe the settings cache to `rgw_settings`, and start discovering the
// OIDC issuer in the background: start-up does not wait for the IdP, so an outage there refuses
// interactive logins only, never API tokens or the native convox CLI (issue 19, finding 3).
import type { AuditLog } from '../audit/audit-log.js';
import type { BootstrapStep } from '../bootstrap.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { OidcClient } from './oidc/oidc-client.js';
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
    { name: 'OIDC discovery', run: async () => deps.oidc.start() },
  ];
}
