// OIDC discovery (identity.md §2): retried with backoff while the IdP is not up yet, and start-up
// fails with a clear message once OIDC_DISCOVERY_TIMEOUT_SECONDS have passed.
import { startMockIdp } from '@rack-gateway/mock-idp';
import { describe, expect, it } from 'vitest';
import { FatalStartupError } from '../../src/bootstrap.js';
import { identitySteps } from '../../src/identity/identity-steps.js';
import { createOidcClient, IdpUnavailableError } from '../../src/identity/oidc/oidc-client.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { freePort } from '../support/identity-harness.js';
import { RecordingAudit } from '../support/recording-audit.js';
import { TestClock } from '../support/test-clock.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger } from '../support/test-db.js';

describe('OIDC discovery', () => {
  it('keeps retrying until an IdP that starts late answers', async () => {
    const port = await freePort();
    const client = createOidcClient(
      testConfig({ OIDC_ISSUER: `http://localhost:${port}`, OIDC_DISCOVERY_TIMEOUT_SECONDS: '10' }),
    );
    const ready = client.ready();
    await new Promise((r) => setTimeout(r, 700));
    const idp = await startMockIdp({
      port,
      clients: [
        {
          clientId: 'rack-gateway-test',
          clientSecret: 's',
          redirectUris: ['http://localhost:8447/api/v1/auth/web/callback'],
        },
      ],
    });
    try {
      await expect(ready).resolves.toBeUndefined();
      const url = await client.authorizationUrl({
        redirectUri: 'http://localhost:8447/api/v1/auth/web/callback',
        state: 's',
        nonce: 'n',
        codeVerifier: 'v'.repeat(43),
      });
      expect(url.origin).toBe(idp.issuer);
    } finally {
      await idp.close();
    }
  });

  it('gives up after OIDC_DISCOVERY_TIMEOUT_SECONDS: start-up fails with a message naming the issuer', async () => {
    const port = await freePort();
    const config = testConfig({
      OIDC_ISSUER: `http://localhost:${port}`,
      OIDC_DISCOVERY_TIMEOUT_SECONDS: '1',
    });
    const client = createOidcClient(config);
    const started = Date.now();
    await expect(client.ready()).rejects.toBeInstanceOf(IdpUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
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
      const failure = discovery?.run();
      await expect(failure).rejects.toBeInstanceOf(FatalStartupError);
      await expect(failure).rejects.toThrow(
        `OIDC discovery of http://localhost:${port}/ failed for 1 s`,
      );
    } finally {
      await database.close();
    }
  });
});
