import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDemo } from '../src/config/demo-env.js';
import { loadConfig } from '../src/config/load-config.js';
import { testEnv } from './support/test-config.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'rgw-config-'));

function problems(env: Record<string, string | undefined>, options = {}) {
  const result = loadConfig(env, { cwd: tempDir(), ...options });
  if (result.ok) throw new Error('expected invalid configuration');
  return result.errors;
}

describe('configuration (config.md)', () => {
  it('lists every missing production requirement at once and names each variable', () => {
    const names = problems({}).map((p) => p.variable);
    for (const v of [
      'PUBLIC_URL',
      'APP_SECRET_KEY',
      'AUDIT_HMAC_SECRET',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'RACK_URL',
      'DATABASE_URL',
    ]) {
      expect(names).toContain(v);
    }
  });

  it('names PORT when it is not a port number, without stopping at the first problem', () => {
    const errors = problems({ PORT: 'abc' });
    expect(errors[0]).toEqual({
      variable: 'PORT',
      rule: 'must be an integer between 1 and 65535 (got "abc")',
    });
    expect(errors.length).toBeGreaterThan(1);
  });

  it('never echoes a secret value in an error', () => {
    const errors = problems({
      APP_SECRET_KEY: 'short-secret-value',
      OIDC_CLIENT_SECRET: 'x',
      RACK_URL: 'not a url with hunter2',
    });
    const text = JSON.stringify(errors);
    expect(text).toContain('APP_SECRET_KEY');
    expect(text).not.toContain('short-secret-value');
    expect(text).not.toContain('hunter2');
  });

  it('refuses equal app and audit keys and http:// in production', () => {
    const errors = problems({
      PUBLIC_URL: 'http://gateway.example.com',
      APP_SECRET_KEY: 'c'.repeat(64),
      AUDIT_HMAC_SECRET: 'c'.repeat(64),
    });
    expect(errors).toContainEqual({
      variable: 'PUBLIC_URL',
      rule: 'must use https:// in production: the external URL of the TLS front end (for local development on http:// set DEV_MODE=true)',
    });
    expect(errors).toContainEqual({
      variable: 'AUDIT_HMAC_SECRET',
      rule: 'must differ from APP_SECRET_KEY',
    });
  });

  it('accepts a complete production configuration and freezes it', () => {
    const result = loadConfig(
      {
        PUBLIC_URL: 'https://gateway.example.com',
        APP_SECRET_KEY: 'c'.repeat(64),
        AUDIT_HMAC_SECRET: 'd'.repeat(64),
        OIDC_CLIENT_ID: 'id',
        OIDC_CLIENT_SECRET: 'secret',
        RACK_URL: 'https://convox:p%40ss%2Fword@rack.example.com',
        DATABASE_URL: 'postgres://rgw@db.example.com/rgw',
        RACK: 'prod',
      },
      { cwd: tempDir() },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { config } = result;
    expect(config.mode).toBe('production');
    expect(config.rack.connection.token).toBe('p@ss/word');
    expect(config.rack.connection.url.href).toBe('https://rack.example.com/');
    expect(config.server.cookieSecure).toBe(true);
    expect(config.oidc.profile).toBe('google');
    expect(config.server.strictCsp).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('rejects "Prod Rack" as a rack name but derives a valid chain id from valid names', () => {
    expect(problems({ RACK: 'Prod Rack' }).map((p) => p.variable)).toContain('RACK');
    const result = loadConfig(testEnv({ RACK: 'Prod.Rack_1' }), { cwd: tempDir() });
    expect(result.ok && result.config.audit.chainId).toBe('rgw-prod-rack-1');
  });

  it('warns about unknown variables with our prefixes but not the CLI ones', () => {
    const result = loadConfig(
      testEnv({
        RGW_DATADIR: 'x',
        RACK_GATEWAY_URL: 'y',
        RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'true',
      }),
      { cwd: tempDir() },
    );
    expect(result.warnings.map((w) => w.variable)).toEqual(['RGW_DATADIR']);
  });

  it('generates development secrets once, mode 0600, and reuses them', () => {
    const cwd = tempDir();
    const env = testEnv({ APP_SECRET_KEY: undefined, AUDIT_HMAC_SECRET: undefined });
    const first = loadConfig(env, { cwd });
    const second = loadConfig(env, { cwd });
    if (!first.ok || !second.ok) throw new Error('expected valid configuration');
    const file = join(cwd, '.rack-gateway', 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.config.secrets.generated).toBe(true);
    expect(second.config.secrets.appSecretKey.equals(first.config.secrets.appSecretKey)).toBe(true);
    expect(first.config.secrets.appSecretKey.equals(first.config.secrets.auditKey.secret)).toBe(
      false,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('AUDIT_HMAC_SECRET');
  });

  it('never writes secrets.json in production', () => {
    const cwd = tempDir();
    problems({ RGW_DATA_DIR: join(cwd, 'data') }, { cwd });
    expect(existsSync(join(cwd, 'data', 'secrets.json'))).toBe(false);
  });

  it('demo mode supplies the mock IdP, the mock rack and the demo users; explicit values win', () => {
    const plan = planDemo({ MOCK_IDP_PORT: '4000', OIDC_DISPLAY_NAME: 'Try me' });
    const result = loadConfig(plan.env, { demo: true, cwd: tempDir() });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { config } = result;
    expect(config.mode).toBe('demo');
    expect(config.server.bindAddress).toBe('127.0.0.1');
    expect(config.oidc.issuer.href).toBe('http://localhost:4000/');
    expect(config.oidc.displayName).toBe('Try me');
    expect(config.oidc.allowedDomains).toEqual(['example.com']);
    expect(config.rack.name).toBe('demo');
    expect(config.seedUsers.admin).toEqual(['admin@example.com']);
    expect(config.database.dataDir.endsWith(join('.rack-gateway', 'demo'))).toBe(true);
    expect(plan.mockRack?.password).toBe(config.rack.connection.token);
  });

  it('refuses a non-loopback demo bind unless explicitly allowed', () => {
    const plan = planDemo({ BIND_ADDRESS: '0.0.0.0' });
    expect(problems(plan.env, { demo: true }).map((p) => p.variable)).toContain('BIND_ADDRESS');
    const allowed = loadConfig(
      planDemo({ BIND_ADDRESS: '0.0.0.0', RGW_DEMO_ALLOW_REMOTE: 'true' }).env,
      { demo: true, cwd: tempDir() },
    );
    expect(allowed.ok).toBe(true);
  });
});

describe('an http:// issuer: the hints name what to set (issue 19, finding 6)', () => {
  const production = {
    PUBLIC_URL: 'https://gateway.example.com',
    APP_SECRET_KEY: 'c'.repeat(64),
    AUDIT_HMAC_SECRET: 'd'.repeat(64),
    OIDC_ISSUER: 'http://dex.internal:5556/dex',
    OIDC_CLIENT_ID: 'id',
    OIDC_CLIENT_SECRET: 'secret',
    RACK_URL: 'https://convox:token@rack.example.com',
    DATABASE_URL: 'postgres://rgw@db.example.com/rgw',
  };
  const ruleOf = (errors: { variable: string; rule: string }[], variable: string) =>
    errors.find((e) => e.variable === variable)?.rule ?? '';
  const bothSettings = 'with DEV_MODE=true and OIDC_ALLOW_INSECURE_HTTP=true';

  it('in production the issuer error names DEV_MODE and OIDC_ALLOW_INSECURE_HTTP together', () => {
    const rule = ruleOf(problems(production), 'OIDC_ISSUER');
    expect(rule).toBe(
      `must use https:// in production: an http:// issuer is allowed only in development, ${bothSettings}`,
    );
  });

  it('following the opt-in hint in production does not lead back to it: both errors name DEV_MODE', () => {
    const errors = problems({ ...production, OIDC_ALLOW_INSECURE_HTTP: 'true' });
    expect(ruleOf(errors, 'OIDC_ALLOW_INSECURE_HTTP')).toContain(bothSettings);
    expect(ruleOf(errors, 'OIDC_ALLOW_INSECURE_HTTP')).toContain('NODE_EXTRA_CA_CERTS');
    expect(ruleOf(errors, 'OIDC_ISSUER')).toContain(bothSettings);
  });

  it('in development the hint is the one missing opt-in, and setting it is enough', () => {
    const development = { ...production, DEV_MODE: 'true' };
    expect(ruleOf(problems(development), 'OIDC_ISSUER')).toBe(
      'must use https://, or set OIDC_ALLOW_INSECURE_HTTP=true to allow this http:// issuer in development',
    );
    const fixed = loadConfig(
      { ...development, OIDC_ALLOW_INSECURE_HTTP: 'true' },
      { cwd: tempDir(), persistSecrets: false },
    );
    expect(fixed.ok).toBe(true);
  });
});
