// An app for app.inject() tests of identity and access without a running IdP: seeded demo users,
// a test clock, a recording audit log, MFA not required, and sessions minted directly in the
// database (`insertTestSession`) — the OIDC flows themselves are covered with the real mock IdP.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/types.js';
import { cookieNames } from '../../src/identity/cookies.js';
import { createCsrf } from '../../src/identity/csrf.js';
import type { OidcClient } from '../../src/identity/oidc/oidc-client.js';
import { insertSession } from '../../src/identity/sessions/session-store.js';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { FakeMfa } from './fake-mfa.js';
import { seedDemoUsers } from './identity-harness.js';
import { RecordingAudit } from './recording-audit.js';
import { emptyWebDist } from './test-app.js';
import { TestClock } from './test-clock.js';
import { testConfig } from './test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from './test-db.js';

export interface IdentityApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly clock: TestClock;
  readonly audit: RecordingAudit;
  readonly mfa: FakeMfa;
  /** A web (cookie) or CLI (Bearer) session for a seeded user, minted in the database. */
  session(email: string, channel?: 'web' | 'cli'): Promise<TestSession>;
  close(): Promise<void>;
}

export interface TestSession {
  readonly token: string;
  readonly csrf: string;
  /** `cookie` header value carrying the session. */
  readonly cookie: string;
}

/** An OIDC client that never talks to an IdP: authorization URLs point at idp.invalid. */
export const OFFLINE_OIDC: OidcClient = {
  start: () => undefined,
  ready: async () => undefined,
  status: () => 'ok',
  close: () => undefined,
  authorizationUrl: async (r) => new URL(`https://idp.invalid/auth?state=${r.state}`),
  exchange: async () => {
    throw new Error('offline IdP');
  },
};

export async function insertTestSession(
  database: TestDatabase,
  config: Config,
  email: string,
  options: { channel?: 'web' | 'cli'; now?: Date } = {},
): Promise<TestSession> {
  const user = await findUserByEmail(database.db, email);
  if (user === null) throw new Error(`no user ${email}`);
  const { token } = await insertSession(database.db, {
    userId: user.id,
    channel: options.channel ?? 'web',
    ip: '127.0.0.1',
    userAgent: 'test',
    mfaState: 'not_required',
    mfaVerifiedAt: null,
    recentStepUpAt: null,
    now: options.now ?? new Date(),
  });
  return {
    token,
    csrf: createCsrf(config.secrets.appSecretKey).tokenFor(token),
    cookie: `${cookieNames(config).session}=${token}`,
  };
}

export async function buildIdentityApp(
  env: Record<string, string> = {},
  settingsEnv: Record<string, string> = {},
): Promise<IdentityApp> {
  const config = testConfig({ OIDC_ALLOWED_DOMAINS: 'example.com', ...env });
  const database = await createTestDb();
  const clock = new TestClock();
  const audit = new RecordingAudit();
  const mfa = new FakeMfa();
  await seedDemoUsers(config, database, clock, audit);
  const settings = createSettingsStore({
    db: database.db,
    clock,
    logger: silentLogger,
    env: { RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'false', ...settingsEnv },
  });
  const app = await buildApp(config, {
    db: database.db,
    logger: silentLogger,
    webDistDir: emptyWebDist(),
    clock,
    audit,
    settings,
    identity: { mfa, oidc: OFFLINE_OIDC },
  });
  await app.ready();
  audit.clear();
  return {
    app,
    config,
    database,
    clock,
    audit,
    mfa,
    session: (email, channel = 'web') =>
      insertTestSession(database, config, email, { channel, now: clock.now() }),
    async close() {
      await app.close();
      await database.close();
    },
  };
}
