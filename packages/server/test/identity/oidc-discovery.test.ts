// OIDC discovery (identity.md §2; issue 19, finding 3): it runs in the background from start-up and
// keeps retrying while the IdP is down; start-up never fails for it. Health reports the IdP as
// `discovering`, then `unavailable` after OIDC_DISCOVERY_TIMEOUT_SECONDS, then `ok` once it answers.
import { startMockIdp } from '@rack-gateway/mock-idp';
import { describe, expect, it } from 'vitest';
import { identitySteps } from '../../src/identity/identity-steps.js';
import { createOidcClient, IdpUnavailableError } from '../../src/identity/oidc/oidc-client.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { freePort } from '../support/ports.js';
import { RecordingAudit } from '../support/recording-audit.js';
import { TestClock } from '../support/test-clock.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger } from '../support/test-db.js';

const CALLBACK = 'http://localhost:8447/api/v1/auth/web/callback';
const startIdp = (port: number) =>
  startMockIdp({
    port,
    clients: [{ clientId: 'rack-gateway-test', clientSecret: 's', redirectUris: [CALLBACK] }],
  });

describe('OIDC discovery', () => {
  it('keeps retrying in the background until an IdP that starts late answers', async () => {
    const port = await freePort();
    const client = createOidcClient(
      testConfig({ OIDC_ISSUER: `http://localhost:${port}`, OIDC_DISCOVERY_TIMEOUT_SECONDS: '10' }),
      silentLogger,
    );
    client.start();
    await new Promise((r) => setTimeout(r, 700));
    expect(client.status()).toBe('discovering');
    const idp = await startIdp(port);
    try {
      await expect.poll(() => client.status(), { timeout: 10_000 }).toBe('ok');
      const url = await client.authorizationUrl({
        redirectUri: CALLBACK,
        state: 's',
        nonce: 'n',
        codeVerifier: 'v'.repeat(43),
      });
      expect(url.origin).toBe(idp.issuer);
    } finally {
      client.close();
      await idp.close();
    }
  });

  it('start-up does not wait for or fail on the IdP; past the budget it is reported unavailable', async () => {
    const port = await freePort();
    const config = testConfig({
      OIDC_ISSUER: `http://localhost:${port}`,
      OIDC_DISCOVERY_TIMEOUT_SECONDS: '1',
    });
    const client = createOidcClient(config, silentLogger);
    const database = await createTestDb();
    try {
      const clock = new TestClock();
      const steps = identitySteps({
        config,
        db: database.db,
        clock,
        audit: new RecordingAudit(),
        logger: silentLogger,
        settings: createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} }),
        oidc: client,
      });
      const discovery = steps.find((s) => s.name === 'OIDC discovery');
      await expect(discovery?.run()).resolves.toBeUndefined();
      await expect.poll(() => client.status(), { timeout: 5_000 }).toBe('unavailable');
      await expect(
        client.authorizationUrl({
          redirectUri: CALLBACK,
          state: 's',
          nonce: 'n',
          codeVerifier: 'v'.repeat(43),
        }),
      ).rejects.toBeInstanceOf(IdpUnavailableError);
    } finally {
      client.close();
      await database.close();
    }
  });
});
