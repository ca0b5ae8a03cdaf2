// `rack-gateway-server config check` as an operator runs it (issue 19, finding 6): it names the two
// redirect URIs to register at the identity provider, derived from PUBLIC_URL, and an http://
// issuer in production is refused with a hint that names every variable involved.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'packages', 'server', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx');

const production = {
  PUBLIC_URL: 'https://gateway.example.com',
  APP_SECRET_KEY: 'c'.repeat(64),
  AUDIT_HMAC_SECRET: 'd'.repeat(64),
  OIDC_ISSUER: 'https://dex.example.com/dex',
  OIDC_CLIENT_ID: 'rack-gateway',
  OIDC_CLIENT_SECRET: 'not-printed-client-secret',
  RACK_URL: 'https://convox:rack-token@rack.example.com',
  DATABASE_URL: 'postgres://rgw@db.example.com/rgw',
};

function configCheck(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', TSX, BIN, 'config', 'check'], {
    cwd: mkdtempSync(join(tmpdir(), 'rgw-config-check-')),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('config check', () => {
  it('prints both callback URLs of PUBLIC_URL to register, never the client secret', () => {
    const res = configCheck(production);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      '[Redirect URIs to register at the identity provider for OIDC_CLIENT_ID]\n' +
        'web: https://gateway.example.com/api/v1/auth/web/callback\n' +
        'cli: https://gateway.example.com/api/v1/auth/cli/callback\n',
    );
    expect(res.stdout).not.toContain('not-printed-client-secret');
  });

  it('refuses an http:// issuer in production with exit 2 and names DEV_MODE', () => {
    const res = configCheck({
      ...production,
      OIDC_ISSUER: 'http://dex.internal:5556/dex',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      '  - OIDC_ISSUER: must use https:// in production: an http:// issuer is allowed only in development, with DEV_MODE=true and OIDC_ALLOW_INSECURE_HTTP=true',
    );
    expect(res.stderr).toContain('  - OIDC_ALLOW_INSECURE_HTTP: cannot be true in production:');
  });
});
