// The gateway against a real PostgreSQL: concurrent start-up migrates once, and an outage is
// survived without a restart.
import { type MockIdp, startMockIdp } from '@rack-gateway/mock-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort, waitFor } from './support/ports.ts';
import { createEmptyDatabase, dropDatabase, postgresUrl, withAdmin } from './support/postgres.ts';
import { tcpProxy } from './support/tcp-proxy.ts';

const baseUrl = postgresUrl();

let idp: MockIdp;

function devEnv(databaseUrl: string): Record<string, string> {
  return {
    DEV_MODE: 'true',
    FORCE_CSP_IN_DEV: 'true',
    LOG_FORMAT: 'json',
    DATABASE_URL: databaseUrl,
    APP_SECRET_KEY: 'e'.repeat(64),
    AUDIT_HMAC_SECRET: 'f'.repeat(64),
    OIDC_ISSUER: idp.issuer,
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_ID: 'e2e',
    OIDC_CLIENT_SECRET: 'e2e-secret',
    RACK_HOST: 'http://127.0.0.1:5443',
    RACK_TOKEN: 'e2e-rack',
  };
}

describe.skipIf(baseUrl === null)('PostgreSQL', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    // The gateway discovers its identity provider at start-up; a real one must answer.
    idp = await startMockIdp({ port: 0 });
  });
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
    await idp?.close();
  });

  it('two servers started at once against an empty database both come up and migrate once', async () => {
    const url = await createEmptyDatabase(baseUrl ?? '');
    const gateways: GatewayProcess[] = await Promise.all([
      startGateway({ args: ['serve'], env: devEnv(url) }),
      startGateway({ args: ['serve'], env: devEnv(url) }),
    ]);
    cleanup.push(() => dropDatabase(url));
    for (const g of gateways) cleanup.push(() => g.stop());
    await Promise.all(gateways.map((g) => g.waitHealthy()));
    const db = new URL(url).pathname.slice(1);
    const rows = await withAdmin(baseUrl ?? '', async (admin) => {
      await admin.query('SELECT 1');
      const target = new URL(url);
      const { Client } = (await import('pg')).default;
      const client = new Client({ connectionString: target.href });
      await client.connect();
      const result = await client.query(
        'SELECT id, count(*)::int AS n FROM rgw_migrations GROUP BY id',
      );
      await client.end();
      return result.rows as { id: string; n: number }[];
    });
    expect(db).toMatch(/^rgw_e2e_/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('starts while PostgreSQL is down, answers 503, and recovers when it returns', async () => {
    const url = await createEmptyDatabase(baseUrl ?? '');
    cleanup.push(() => dropDatabase(url));
    const real = new URL(url);
    const proxy = tcpProxy(await freePort(), {
      host: real.hostname,
      port: Number(real.port || 5432),
    });
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const gateway = await startGateway({ args: ['serve'], env: devEnv(viaProxy.href) });
    cleanup.push(() => gateway.stop());
    cleanup.push(() => proxy.stop());

    await waitFor(
      async () => (await gateway.health()).status === 503,
      30_000,
      'health 503 while the database is down',
    );
    expect((await gateway.health()).body).toMatchObject({ database: 'unavailable' });
    const app = await fetch(`${gateway.url}/app/`);
    expect(app.status).toBe(503);

    await proxy.start();
    await gateway.waitHealthy(30_000);
    await waitFor(
      async () => (await fetch(`${gateway.url}/app/`)).status === 200,
      30_000,
      'start-up to finish',
    );

    await proxy.stop();
    await waitFor(
      async () => (await gateway.health()).status === 503,
      30_000,
      'health 503 after the outage starts',
    );
    await proxy.start();
    await gateway.waitHealthy(30_000);
    expect(gateway.child.exitCode).toBeNull();
  });
});
