// A valid development-mode configuration for tests (strict CSP forced, as config.md §2 requires),
// with explicit secrets so nothing is generated on disk.
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';

export const TEST_APP_SECRET = 'a'.repeat(64);
export const TEST_AUDIT_SECRET = 'b'.repeat(64);

export function testEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    DEV_MODE: 'true',
    FORCE_CSP_IN_DEV: 'true',
    LOG_FORMAT: 'json',
    APP_SECRET_KEY: TEST_APP_SECRET,
    AUDIT_HMAC_SECRET: TEST_AUDIT_SECRET,
    OIDC_ISSUER: 'http://localhost:3345',
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_ID: 'rack-gateway-test',
    OIDC_CLIENT_SECRET: 'test-client-secret',
    RACK_HOST: 'http://127.0.0.1:5443',
    RACK_TOKEN: 'test-rack-password',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  const result = loadConfig(testEnv(overrides), { cwd: '/nonexistent-rgw-test-dir' });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.variable}: ${e.rule}`).join('\n'));
  return result.config;
}
