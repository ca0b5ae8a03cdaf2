// The operator registered only the web callback at the identity provider (issue 19, finding 6): the
// real gateway sends the CLI login's browser to the provider with redirect_uri = the CLI callback,
// the provider (oidc-provider, as the mock IdP) refuses it on its own error page and never sends the
// browser back, and the `rack-gateway login` code says so and names the URL to register instead of
// waiting silently until its timeout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockIdp, startMockIdp } from '@rack-gateway/mock-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, until } from '../packages/cli/test/support/run-cli.ts';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort } from './support/ports.ts';

let idp: MockIdp;
let gateway: GatewayProcess;
let publicUrl: string;

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://localhost:${port}`;
  idp = await startMockIdp({
    port: 0,
    clients: [
      {
        clientId: 'e2e',
        clientSecret: 'e2e-secret',
        redirectUris: [`${publicUrl}/api/v1/auth/web/callback`],
      },
    ],
  });
  gateway = await startGateway({
    args: ['serve'],
    port,
    env: {
      DEV_MODE: 'true',
      LOG_FORMAT: 'json',
      APP_SECRET_KEY: 'e'.repeat(64),
      AUDIT_HMAC_SECRET: 'f'.repeat(64),
      OIDC_ISSUER: idp.issuer,
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      OIDC_CLIENT_ID: 'e2e',
      OIDC_CLIENT_SECRET: 'e2e-secret',
      ADMIN_USERS: 'admin@example.com',
      RACK_HOST: 'http://127.0.0.1:9',
      RACK_TOKEN: 'e2e-rack',
    },
  });
  await gateway.waitHealthy();
});
afterAll(async () => {
  await gateway?.stop();
  await idp?.close();
});

/** A browser that opens the link and follows redirects; returns the last page it shows. */
async function openInBrowser(url: string): Promise<{ url: string; status: number; body: string }> {
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(next, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (location === null) return { url: next, status: res.status, body: await res.text() };
    next = new URL(location, next).href;
  }
  throw new Error(`too many redirects from ${url}`);
}

describe('CLI callback not registered at the identity provider', () => {
  it('the provider shows its error page; the CLI names the cause and the callback to register', async () => {
    const run = startCli(['login', 'prod', publicUrl, '--no-browser'], {
      env: { RACK_GATEWAY_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'rgw-cli-callback-')) },
      timings: { loginHintMs: 0 },
    });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL', 30_000);
    const authUrl = /Open this URL: (\S+)/.exec(run.stderr())?.[1] ?? '';
    const page = await openInBrowser(authUrl);
    expect(new URL(page.url).origin).toBe(new URL(idp.issuer).origin);
    expect(page.status).toBe(400);
    expect(page.body).toContain('redirect_uri');
    await until(
      () => run.stderr().includes('Still waiting for the identity provider'),
      'the hint',
      30_000,
    );
    expect(run.stderr()).toContain(
      `an administrator must register ${publicUrl}/api/v1/auth/cli/callback`,
    );
    run.interrupt();
    expect((await run.result).code).toBe(130);
  });
});
