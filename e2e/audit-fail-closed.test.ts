// Fail closed (audit.md §6, issue 6 check 3): with PostgreSQL unreachable, a deployer's `env set`
// through the rack proxy gets 503 and the rack receives nothing; the gateway recovers by itself.
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliBrowser } from './support/cli-browser.ts';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort, waitFor } from './support/ports.ts';
import { createEmptyDatabase, dropDatabase, postgresUrl } from './support/postgres.ts';
import { completeCliLogin, startHeadlessCliLogin } from './support/sign-in.ts';
import { type TcpProxy, tcpProxy } from './support/tcp-proxy.ts';

const baseUrl = postgresUrl();

describe.skipIf(baseUrl === null)('audit fail-closed with PostgreSQL down', () => {
  let rack: MockRack;
  let gateway: GatewayProcess;
  let proxy: TcpProxy;
  let databaseUrl: string;
  let auth: string;

  beforeAll(async () => {
    databaseUrl = await createEmptyDatabase(baseUrl ?? '');
    const real = new URL(databaseUrl);
    proxy = tcpProxy(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(databaseUrl);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    rack = await startMockRack({ port: 0, password: 'rack-pass' });
    gateway = await startGateway({
      args: ['serve', '--demo'],
      env: {
        DATABASE_URL: viaProxy.href,
        RACK_HOST: rack.url,
        RACK_TOKEN: 'rack-pass',
        MOCK_IDP_PORT: String(await freePort()),
        LOG_FORMAT: 'json',
      },
    });
    await gateway.waitHealthy(60_000);
    const url = `http://localhost:${gateway.port}`;
    await waitFor(async () => (await fetch(`${url}/app/`)).status === 200, 30_000, 'start-up');
    const login = await startHeadlessCliLogin(url);
    await new CliBrowser().approveCliLogin(login.authUrl, 'deployer@example.com');
    const done = await completeCliLogin(url, login);
    expect(done.status).toBe(200);
    auth = `Basic ${Buffer.from(`convox:${done.token}`).toString('base64')}`;
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.stop();
    await rack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('answers 503 and forwards nothing while the store is unreachable, then recovers', async () => {
    const releases = `${gateway.url}/api/v1/rack-proxy/apps/storefront/releases?`;
    const before = rack.requests.list().length;
    await proxy.stop();
    const res = await fetch(releases, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'env=SECRET_KEY%3Dx',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-error-source')).toBe('gateway');
    expect((await res.text()).trim()).not.toBe('');
    expect(rack.requests.list().slice(before)).toEqual([]);

    await proxy.start();
    await waitFor(async () => (await gateway.health()).status === 200, 30_000, 'health back to ok');
    const apps = await fetch(`${gateway.url}/api/v1/rack-proxy/apps?`, {
      headers: { authorization: auth },
    });
    expect(apps.status).toBe(200);
    expect(gateway.child.exitCode).toBeNull();
  });

  it('finding 4: wrong error after a mutation reached the rack — audit_unavailable, no Retry-After', async () => {
    const uploads = '/apps/storefront/objects/tmp/';
    const atRack = (seq: number) =>
      rack.requests.list(seq).filter((r) => r.method === 'POST' && r.path.startsWith(uploads));
    const since = rack.requests.list().at(-1)?.seq ?? 0;
    // The rack holds the upload, so PostgreSQL can go away between forwarding and the outcome.
    rack.faults.add({
      match: { method: 'POST', path: `${uploads}*` },
      effect: { latencyMs: 1500 },
    });
    const answer = fetch(`${gateway.url}/api/v1/rack-proxy${uploads}finding-4.bin`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(16, 4),
    });
    await waitFor(async () => atRack(since).length === 1, 30_000, 'upload at the rack');
    await proxy.stop();
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.headers.get('x-error-reason')).toBe('audit_unavailable');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.text()).toContain('The request reached the rack but could not be recorded');
    expect(atRack(since)).toHaveLength(1);
    rack.faults.clear();
    await proxy.start();
    await waitFor(async () => (await gateway.health()).status === 200, 30_000, 'health back to ok');
  });
});
