// Issue 19, finding 3: with the identity provider down at start the gateway becomes ready anyway,
// reports the IdP in its health answer, serves API-token traffic through the rack proxy (CI and the
// native convox CLI need no IdP), refuses interactive logins with a clear page, and picks the IdP
// up by itself once it answers — no restart, no exit.
import { type MockIdp, startMockIdp } from '@rack-gateway/mock-idp';
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/access/tokens/token-store.js';
import { buildApp } from '../../src/app.js';
import { runBootstrap } from '../../src/bootstrap.js';
import { createReadiness } from '../../src/http/readiness.js';
import { identitySteps } from '../../src/identity/identity-steps.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { CLIENT_ID, CLIENT_SECRET, seedDemoUsers } from '../support/identity-harness.js';
import { freePort } from '../support/ports.js';
import { RecordingAudit } from '../support/recording-audit.js';
import { emptyWebDist } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

describe('issue 19 finding 3: the identity provider down at start', () => {
  let rack: MockRack;
  let database: TestDatabase;
  let app: FastifyInstance;
  let idp: MockIdp | undefined;
  let url: string;
  let idpPort: number;

  beforeAll(async () => {
    rack = await startMockRack({ port: 0, password: 'rack-pass' });
    idpPort = await freePort();
    const port = await freePort();
    url = `http://localhost:${port}`;
    const config = testConfig({
      PORT: String(port),
      PUBLIC_URL: url,
      OIDC_ISSUER: `http://localhost:${idpPort}`,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_DISCOVERY_TIMEOUT_SECONDS: '1',
      RACK_HOST: rack.url,
      RACK_TOKEN: 'rack-pass',
    });
    database = await createTestDb();
    const clock = new TestClock();
    const audit = new RecordingAudit();
    await seedDemoUsers(config, database, clock, audit);
    const settings = createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} });
    const readiness = createReadiness();
    app = await buildApp(config, {
      db: database.db,
      logger: silentLogger,
      webDistDir: emptyWebDist(),
      clock,
      audit,
      settings,
      readiness,
    });
    await app.listen({ port, host: 'localhost' });
    const steps = identitySteps({
      config,
      db: database.db,
      clock,
      audit,
      logger: silentLogger,
      settings,
      oidc: app.identity.oidc,
    });
    await runBootstrap({ config, steps, readiness, logger: silentLogger }).done;
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
    await database?.close();
    await rack?.close();
  });

  const health = async () => {
    const res = await fetch(`${url}/api/v1/health`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('is ready and says the IdP is unavailable once the discovery budget has passed', async () => {
    expect((await health()).status).toBe(200);
    await expect
      .poll(async () => (await health()).body.idp, { timeout: 5_000 })
      .toBe('unavailable');
    expect((await health()).body).toMatchObject({
      status: 'ok',
      database: 'ok',
      idp: 'unavailable',
    });
  });

  it('serves an API token through the rack proxy meanwhile', async () => {
    const owner = await database.db.query<{ id: string }>(
      "SELECT id FROM users WHERE email = 'deployer@example.com'",
    );
    const { secret } = await createTokenStore(database.db).create(
      {
        name: 'ci',
        ownerUserId: Number(owner[0]?.id),
        permissions: ['convox:app:list'],
        expiresAt: null,
      },
      new Date(),
    );
    const res = await fetch(`${url}/api/v1/rack-proxy/apps`, {
      headers: { authorization: `Basic ${Buffer.from(`convox:${secret}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }[]).map((a) => a.name)).toContain('storefront');
  });

  it('refuses an interactive login with the "cannot be reached" page', async () => {
    const res = await fetch(`${url}/api/v1/auth/web/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/auth/error?reason=idp_unavailable');
  });

  it('picks the IdP up by itself once it answers: logins go to it again', async () => {
    idp = await startMockIdp({
      port: idpPort,
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${url}/api/v1/auth/web/callback`],
        },
      ],
    });
    await expect.poll(async () => (await health()).body.idp, { timeout: 40_000 }).toBe('ok');
    const res = await fetch(`${url}/api/v1/auth/web/login`, { redirect: 'manual' });
    expect(new URL(res.headers.get('location') ?? '', url).origin).toBe(idp.issuer);
  }, 60_000);
});
