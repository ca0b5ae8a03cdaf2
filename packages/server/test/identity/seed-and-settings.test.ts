// Seeding (identity.md §5, §16 check 18; config.md acceptance 6) and the settings store
// (approvals-and-integrations.md §8.1): DB → RGW_SETTING_* env → default, validated, cached at
// most 5 s and invalidated by NOTIFY rgw_settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { planSeed, seedUsers } from '../../src/identity/users/seed.js';
import { settingsEnvProblems } from '../../src/settings/catalogue.js';
import { createSettingsStore, readSettings } from '../../src/settings/settings-store.js';
import { RecordingAudit } from '../support/recording-audit.js';
import { TestClock } from '../support/test-clock.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

describe('user seeding', () => {
  let database: TestDatabase;
  const audit = new RecordingAudit();
  const clock = new TestClock();
  const config = (lists: Partial<Config['seedUsers']>): Config => ({
    ...testConfig(),
    seedUsers: { admin: [], deployer: [], ops: [], viewer: [], ...lists },
  });
  const seed = (lists: Partial<Config['seedUsers']>, warn: (m: string) => void = () => undefined) =>
    seedUsers({ config: config(lists), db: database.db, clock, audit, warn });
  const user = async (email: string) =>
    (
      await database.db.query<{ name: string; roles: string[] }>(
        'SELECT name, roles FROM users WHERE email = $1',
        [email],
      )
    )[0];

  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('normalises, de-duplicates, keeps the most privileged role and skips invalid addresses', () => {
    const warnings: string[] = [];
    const plan = planSeed(
      {
        admin: [' Boss@Example.com '],
        deployer: ['boss@example.com', 'dev@example.com'],
        ops: ['not-an-email'],
        viewer: ['dev@example.com', ''],
      },
      (m) => warnings.push(m),
    );
    expect(plan).toEqual([
      { email: 'boss@example.com', role: 'admin' },
      { email: 'dev@example.com', role: 'deployer' },
    ]);
    expect(warnings).toEqual(['seed users: skipping invalid address "not-an-email"']);
  });

  it('seeding twice leaves names untouched; a demoted ADMIN_USERS member is admin again; nobody else changes', async () => {
    const lists = {
      admin: ['root@example.com'],
      deployer: ['dep@example.com'],
      viewer: ['see@example.com'],
    };
    const first = await seed(lists);
    expect(first.created.sort()).toEqual([
      'dep@example.com',
      'root@example.com',
      'see@example.com',
    ]);
    expect(await user('root@example.com')).toEqual({ name: 'Admin User', roles: ['admin'] });
    expect(audit.of('user.seed').map((e) => e.details)).toContainEqual({
      role: 'admin',
      created: true,
      role_restored: false,
    });
    expect(audit.of('user.seed').every((e) => e.actorType === 'system' && e.durable)).toBe(true);

    await database.db.query(
      "UPDATE users SET name = 'Renamed', roles = '{viewer}' WHERE email = 'root@example.com'",
    );
    await database.db.query(
      "UPDATE users SET roles = '{admin}', locked_at = now() WHERE email = 'dep@example.com'",
    );
    await database.db.query("UPDATE users SET roles = '{ops}' WHERE email = 'see@example.com'");
    audit.clear();
    const second = await seed(lists);
    expect(second).toEqual({ created: [], restored: ['root@example.com'] });
    expect(await user('root@example.com')).toEqual({ name: 'Renamed', roles: ['viewer', 'admin'] });
    expect(await user('dep@example.com')).toEqual({ name: 'Deployer User', roles: ['admin'] });
    expect(await user('see@example.com')).toEqual({ name: 'Viewer User', roles: ['ops'] });
    const locked = await database.db.query(
      "SELECT locked_at FROM users WHERE email = 'dep@example.com'",
    );
    expect(locked[0]?.locked_at).not.toBeNull();
    expect(audit.of('user.seed')).toHaveLength(1);
    expect(audit.of('user.seed')[0]?.details).toEqual({
      role: 'admin',
      created: false,
      role_restored: true,
    });
    expect(await seed(lists)).toEqual({ created: [], restored: [] });
  });
});

describe('settings store', () => {
  let database: TestDatabase;
  const clock = new TestClock();

  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('resolves database → env → default, with defaults from the catalogue', async () => {
    const store = createSettingsStore({
      db: database.db,
      clock,
      logger: silentLogger,
      env: { RGW_SETTING_SESSION_IDLE_TIMEOUT_MINUTES: '45' },
    });
    const all = await store.resolveAll();
    expect(all.session_idle_timeout_minutes).toEqual({ value: 45, source: 'env' });
    expect(all.mfa_require_all_users).toEqual({ value: true, source: 'default' });
    expect(all.allow_destructive_actions).toEqual({ value: false, source: 'default' });
    await store.set('session_idle_timeout_minutes', 90, null);
    expect(await store.get('session_idle_timeout_minutes')).toBe(90);
    await store.clear('session_idle_timeout_minutes');
    expect(await store.get('session_idle_timeout_minutes')).toBe(45);
    const values = await readSettings(store);
    expect(values.cli_session_absolute_days).toBe(90);
  });

  it('refuses invalid values and reports invalid RGW_SETTING_* variables by name', async () => {
    const store = createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} });
    await expect(store.set('session_idle_timeout_minutes', 2, null)).rejects.toThrow(
      /between 5 and 1440/,
    );
    expect(
      settingsEnvProblems({
        RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'maybe',
        RGW_SETTING_CLI_SESSION_IDLE_DAYS: '91',
        RGW_SETTING_SESSION_ABSOLUTE_LIFETIME_HOURS: '24',
      }),
    ).toEqual([
      'RGW_SETTING_MFA_REQUIRE_ALL_USERS: must be true|false|1|0|yes|no',
      'RGW_SETTING_CLI_SESSION_IDLE_DAYS: must be an integer between 1 and 90',
    ]);
  });

  it('another replica sees a change through NOTIFY rgw_settings (cache dropped)', async () => {
    const a = createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} });
    const b = createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} });
    await b.start();
    expect(await b.get('mfa_step_up_window_minutes')).toBe(10);
    await a.set('mfa_step_up_window_minutes', 15, null);
    await expect.poll(() => b.get('mfa_step_up_window_minutes'), { timeout: 2000 }).toBe(15);
    await b.close();
    await a.clear('mfa_step_up_window_minutes');
  });
});
