// A running gateway next to a running mock IdP, for identity tests: the gateway listens on a free
// port (PUBLIC_URL http://localhost:<port>), the mock IdP has its client registered, the demo users
// are seeded, the clock and the audit log are test doubles, and MFA is not required unless asked.

import { type MockIdp, type MockIdpUser, startMockIdp } from '@rack-gateway/mock-idp';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/types.js';
import type { MfaMethods } from '../../src/identity/mfa-hooks.js';
import { seedUsers } from '../../src/identity/users/seed.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { FakeMfa } from './fake-mfa.js';
import { freePort } from './ports.js';
import { RecordingAudit } from './recording-audit.js';
import { emptyWebDist } from './test-app.js';
import { TestClock } from './test-clock.js';
import { testConfig } from './test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from './test-db.js';

export const CLIENT_ID = 'rack-gateway-test';
export const CLIENT_SECRET = 'test-client-secret-0123456789';

export interface IdentityHarness {
  readonly app: FastifyInstance;
  /** The gateway's public origin, e.g. http://localhost:41234. */
  readonly url: string;
  readonly idp: MockIdp;
  readonly database: TestDatabase;
  readonly config: Config;
  readonly clock: TestClock;
  readonly audit: RecordingAudit;
  readonly mfa: FakeMfa;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra gateway environment (e.g. OIDC_PROFILE, OIDC_ALLOWED_DOMAINS). */
  readonly env?: Record<string, string>;
  /** RGW_SETTING_* overrides; MFA_REQUIRE_ALL_USERS defaults to false here. */
  readonly settingsEnv?: Record<string, string>;
  /** Seeded users (default: the four demo users). */
  readonly seed?: Partial<Config['seedUsers']>;
  /** The MFA service: a FakeMfa (default), another stand-in, or `real` (src/mfa, test/mfa). */
  readonly mfa?: MfaMethods | 'real';
  /** The accounts on the mock IdP's sign-in page (default: its demo and refusal accounts). */
  readonly idpUsers?: readonly MockIdpUser[];
}

export const DEMO_SEED: Config['seedUsers'] = {
  admin: ['admin@example.com'],
  deployer: ['deployer@example.com'],
  ops: ['ops@example.com'],
  viewer: ['viewer@example.com'],
};

/** Seeds the four demo users (or `lists` per role) through the production seeding code. */
export async function seedDemoUsers(
  config: Config,
  database: TestDatabase,
  clock: TestClock,
  audit: RecordingAudit,
  lists: Partial<Config['seedUsers']> = {},
): Promise<void> {
  const seedUsersConfig = { ...DEMO_SEED, ...lists };
  await seedUsers({
    config: { ...config, seedUsers: seedUsersConfig },
    db: database.db,
    clock,
    audit,
    warn: () => undefined,
  });
}

export async function startIdentityHarness(options: HarnessOptions = {}): Promise<IdentityHarness> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const idp = await startMockIdp({
    port: 0,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${url}/api/v1/auth/web/callback`, `${url}/api/v1/auth/cli/callback`],
      },
    ],
    ...(options.idpUsers ? { users: options.idpUsers } : {}),
  });
  const config = testConfig({
    PORT: String(port),
    PUBLIC_URL: url,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_ALLOWED_DOMAINS: 'example.com',
    RATE_LIMIT_BURST: '10000',
    ...options.env,
  });
  const database = await createTestDb();
  const clock = new TestClock();
  const audit = new RecordingAudit();
  const mfa = new FakeMfa();
  await seedDemoUsers(config, database, clock, audit, options.seed);
  const settings = createSettingsStore({
    db: database.db,
    clock,
    logger: silentLogger,
    env: { RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'false', ...options.settingsEnv },
  });
  const app = await buildApp(config, {
    db: database.db,
    logger: silentLogger,
    webDistDir: emptyWebDist(),
    clock,
    audit,
    settings,
    identity: options.mfa === 'real' ? {} : { mfa: options.mfa ?? mfa },
  });
  await app.listen({ port, host: 'localhost' });
  audit.clear();
  return {
    app,
    url,
    idp,
    database,
    config,
    clock,
    audit,
    mfa,
    async close() {
      await app.close();
      await idp.close();
      await database.close();
    },
  };
}
