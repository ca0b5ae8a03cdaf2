// The web-safe API (access-control.md §9.2-9.3) against a real gateway and the mock rack: browser
// sessions read through `/convox/*` with the rack rows' masking and audit, mutations need their
// permission and step-up, log sockets turn the query into handshake headers and need the public
// Origin, env reads/reveals/changes follow §11 and are audited per key.
import { RackClient } from '@rack-gateway/convox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_MASK } from '../../src/proxy/env-rules.js';
import { type Caller, callApi } from '../support/api-client.js';
import {
  openSocket,
  type ProxyHarness,
  RACK_PASSWORD,
  send,
  startProxyHarness,
  TOTP,
} from './proxy-harness.js';

describe('web-safe Convox API', () => {
  let p: ProxyHarness;
  const call = (caller: Caller, method: string, path: string, body?: unknown, headers = {}) =>
    callApi(p.h.url, caller, method, path, { ...(body === undefined ? {} : { body }), headers });
  const web = async (user: 'viewer' | 'ops' | 'deployer' | 'admin'): Promise<Caller> => ({
    web: await p.web(user),
  });
  const mfa = { 'x-mfa-totp': TOTP };

  beforeAll(async () => {
    p = await startProxyHarness();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a viewer lists apps in the browser; the read is audited app.list like on the proxy', async () => {
    p.h.audit.clear();
    const res = await call(await web('viewer'), 'GET', '/api/v1/convox/apps');
    expect(res.status).toBe(200);
    expect(res.list.map((a) => a.name)).toEqual(['billing-api', 'docs', 'storefront']);
    const seen = p.rack.requests.list().at(-1);
    expect(seen?.path).toBe('/apps');
    expect(seen?.headers['x-convox-actor']).toBe('viewer@example.com');
    expect(seen?.headers.cookie).toBeUndefined();
    await expect.poll(() => p.h.audit.of('app.list').length).toBe(1);
    expect(p.h.audit.of('app.list')[0]).toMatchObject({ status: 'success', channel: 'web' });
  });

  it('passes list queries on and masks release env like the rack row', async () => {
    const ops = await web('ops');
    const list = await call(ops, 'GET', '/api/v1/convox/apps/storefront/releases?limit=1');
    expect(list.status).toBe(200);
    expect(list.list).toHaveLength(1);
    expect(p.rack.requests.list().at(-1)?.rawQuery).toBe('limit=1');
    const env = String(list.list[0]?.env);
    expect(env).toContain(`SECRET_KEY_BASE=${ENV_MASK}`);
    expect(env).toContain('LOG_LEVEL=info');
    const viewer = await call(
      await web('viewer'),
      'GET',
      '/api/v1/convox/apps/storefront/releases',
    );
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({
      error: 'permission_denied',
      permission: 'convox:release:list',
    });
    expect(viewer.headers.get('x-required-permission')).toBe('convox:release:list');
  });

  it('relays rack errors and refuses encoded slashes in parameters', async () => {
    const viewer = await web('viewer');
    const missing = await call(viewer, 'GET', '/api/v1/convox/apps/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('app not found: nope');
    const sneaky = await call(viewer, 'GET', '/api/v1/convox/apps/a%2F..%2Fsystem');
    expect(sneaky.status).toBe(400);
  });

  it('scale, restart, promote and stop need their permission and a step-up', async () => {
    const ops = await web('ops');
    const denied = await call(ops, 'PUT', '/api/v1/convox/apps/storefront/services/web', {
      count: 3,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.permission).toBe('convox:app:update');
    await p.enrol('deployer');
    const deployer = await web('deployer');
    const noCode = await call(deployer, 'PUT', '/api/v1/convox/apps/storefront/services/web', {
      count: 3,
    });
    expect(noCode.status).toBe(401);
    expect(noCode.headers.get('x-mfa-required')).toBe('step-up');
    p.h.audit.clear();
    const session = await p.web('deployer');
    const mutate = (method: string, path: string, body?: unknown) =>
      send(`${p.h.url}/api/v1/convox${path}`, { web: session }, method, body, mfa);
    const scaled = await mutate('PUT', '/apps/storefront/services/web', { count: 3 });
    expect(scaled.status).toBe(200);
    expect(scaled.text).toBe('ok\n');
    const put = p.rack.requests.list().at(-1);
    expect(put).toMatchObject({ method: 'PUT', path: '/apps/storefront/services/web' });
    expect(put?.form).toEqual({ count: ['3'] });
    expect(p.h.audit.outcomes('app.update')[0]).toMatchObject({ status: 'success', durable: true });
    const restart = await mutate('POST', '/apps/storefront/services/worker/restart');
    expect(restart.status).toBe(200);
    expect(p.rack.requests.list().at(-1)?.path).toBe('/apps/storefront/services/worker/restart');
    const procs = await call(deployer, 'GET', '/api/v1/convox/apps/storefront/processes');
    const pid = String(procs.list[0]?.id);
    expect((await mutate('DELETE', `/apps/storefront/processes/${pid}`)).status).toBe(200);
    expect(p.h.audit.of('process.terminate')[0]?.resource).toBe(pid);
    const promote = await mutate('POST', '/apps/billing-api/releases/RBILLINGAAC/promote', {});
    expect(promote.status).toBe(200);
    expect(p.rack.requests.list().at(-1)?.form).toEqual({ force: ['false'] });
    expect(p.h.audit.outcomes('release.promote')[0]).toMatchObject({
      resource: 'RBILLINGAAC',
      status: 'success',
    });
  });

  it('rejects a scale body that is not a small JSON object of counts', async () => {
    await p.enrol('deployer');
    const res = await call(
      await web('deployer'),
      'PUT',
      '/api/v1/convox/apps/storefront/services/web',
      { count: 'x' },
      mfa,
    );
    expect(res.status).toBe(400);
  });

  it('log sockets turn since/filter/follow into rack headers and need the public Origin with a cookie', async () => {
    const session = await p.web('viewer');
    const url = `${p.h.url.replace('http', 'ws')}/api/v1/convox/apps/storefront/logs?since=10m&filter=GET&follow=false`;
    const cookie = `rgw_session=${session.token}`;
    await expect(openSocket(url, { cookie })).rejects.toMatchObject({ status: 403 });
    await expect(openSocket(url, { cookie, origin: 'http://evil.example' })).rejects.toMatchObject({
      status: 400,
    });
    const opened = await openSocket(url, { cookie, origin: p.h.url });
    await opened.closed;
    const seen = p.rack.requests
      .list()
      .filter((r) => r.method === 'SOCKET')
      .at(-1);
    expect(seen?.path).toBe('/apps/storefront/logs');
    expect(seen?.headers).toMatchObject({
      since: '10m',
      filter: 'GET',
      follow: 'false',
      prefix: 'true',
    });
    expect(seen?.headers.cookie).toBeUndefined();
    await expect(
      openSocket(`${url.split('?')[0]}?since=forever`, { cookie, origin: p.h.url }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('streams a build log to the browser until the build log ends', async () => {
    const session = await p.web('viewer');
    const url = `${p.h.url.replace('http', 'ws')}/api/v1/convox/apps/storefront/builds/BSTOREFAAAA/logs`;
    const opened = await openSocket(url, {
      cookie: `rgw_session=${session.token}`,
      origin: p.h.url,
    });
    await opened.closed;
    expect(Buffer.concat(opened.frames).toString()).toContain('Parsing manifest: convox.yml');
    const seen = p.rack.requests
      .list()
      .filter((r) => r.method === 'SOCKET')
      .at(-1);
    expect(seen?.path).toBe('/apps/storefront/builds/BSTOREFAAAA/logs');
  });

  it('GET /rack masks secret-looking parameters', async () => {
    const direct = new RackClient({
      url: `${p.rack.url.replace('//', `//convox:${RACK_PASSWORD}@`)}`,
    });
    await direct.updateSystem({ parameters: { DbPassword: 'hunter2', node_type: 't3.large' } });
    const res = await call(await web('viewer'), 'GET', '/api/v1/rack');
    expect(res.status).toBe(200);
    const system = res.body.system as { parameters: Record<string, string>; name: string };
    expect(system.name).toBe('mock-rack');
    expect(system.parameters.DbPassword).toBe(ENV_MASK);
    expect(system.parameters.node_type).toBe('t3.large');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('GET /apps/:app/env masks secrets for everyone and records env.read with the masked keys', async () => {
    p.h.audit.clear();
    const res = await call(
      { bearer: await p.cliToken('ops') },
      'GET',
      '/api/v1/apps/storefront/env',
    );
    expect(res.status).toBe(200);
    expect(res.body.app).toBe('storefront');
    expect(res.body.release).toBe('RSTOREFAAAD');
    const env = res.body.env as Record<string, string>;
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.SECRET_KEY_BASE).toBe(ENV_MASK);
    expect(env.AWS_ACCESS_KEY_ID).toBe(ENV_MASK);
    await expect.poll(() => p.h.audit.of('env.read').length).toBe(1);
    expect(p.h.audit.of('env.read')[0]?.details).toEqual({
      app: 'storefront',
      masked_keys: [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'DATABASE_URL',
        'SECRET_KEY_BASE',
        'STRIPE_API_KEY',
      ],
    });
    const viewer = await call(
      { bearer: await p.cliToken('viewer') },
      'GET',
      '/api/v1/apps/storefront/env',
    );
    expect(viewer.status).toBe(403);
  });

  it('reveals secrets only with convox:secret:read and a step-up, one secret.read per key', async () => {
    const deployer = await call(
      { bearer: await p.cliToken('deployer') },
      'GET',
      '/api/v1/apps/storefront/env/secrets',
    );
    expect(deployer.status).toBe(403);
    expect(deployer.body.permission).toBe('convox:secret:read');
    await p.enrol('admin');
    const admin: Caller = { bearer: await p.cliToken('admin') };
    const noCode = await call(
      admin,
      'GET',
      '/api/v1/apps/storefront/env/secrets?key=SECRET_KEY_BASE',
    );
    expect(noCode.status).toBe(401);
    p.h.audit.clear();
    const one = await call(
      admin,
      'GET',
      '/api/v1/apps/storefront/env/secrets?key=SECRET_KEY_BASE',
      undefined,
      mfa,
    );
    expect(one.status).toBe(200);
    expect(one.body.env).toEqual({ SECRET_KEY_BASE: 'mock-secret-key-base-0123456789abcdef' });
    expect(p.h.audit.of('secret.read').map((e) => e.resource)).toEqual([
      'storefront/SECRET_KEY_BASE',
    ]);
    p.h.audit.clear();
    const all = await call(admin, 'GET', '/api/v1/apps/storefront/env/secrets', undefined, mfa);
    expect((all.body.env as Record<string, string>).STRIPE_API_KEY).toBe('sk_test_mock_storefront');
    expect(p.h.audit.of('secret.read')).toHaveLength(5);
    for (const e of p.h.audit.of('secret.read'))
      expect(JSON.stringify(e.details)).not.toContain('mock');
  });

  it('PUT /apps/:app/env creates one release with the composed env and one event per key', async () => {
    await p.enrol('deployer');
    const deployer: Caller = { bearer: await p.cliToken('deployer') };
    p.h.audit.clear();
    const res = await call(
      deployer,
      'PUT',
      '/api/v1/apps/docs/env',
      { set: { FEATURE_X: 'on', SITE_URL: 'https://new.example.com' }, remove: ['PORT'] },
      mfa,
    );
    expect(res.status).toBe(200);
    const release = String(res.body.release);
    expect(release).toMatch(/^R/);
    const created = p.rack.requests.list().at(-1);
    expect(created).toMatchObject({ method: 'POST', path: '/apps/docs/releases' });
    expect(created?.form?.env).toEqual([
      'ALGOLIA_API_KEY=mock-algolia-key\nFEATURE_X=on\nSITE_URL=https://new.example.com',
    ]);
    expect((res.body.env as Record<string, string>).ALGOLIA_API_KEY).toBe(ENV_MASK);
    expect(
      p.h.audit.events
        .filter((e) => e.action.startsWith('env.'))
        .map((e) => [e.action, e.resource, e.details?.release_id]),
    ).toEqual([
      ['env.set', 'docs/FEATURE_X', release],
      ['env.unset', 'docs/PORT', release],
      ['env.set', 'docs/SITE_URL', release],
    ]);
    p.h.audit.clear();
    const same = await call(
      deployer,
      'PUT',
      '/api/v1/apps/docs/env',
      { set: { FEATURE_X: 'on', ALGOLIA_API_KEY: ENV_MASK } },
      mfa,
    );
    expect(same.status).toBe(200);
    expect(same.body.release).toBeNull();
    expect(p.h.audit.of('env.update')[0]?.details).toEqual({ changes: 'none' });
  });

  it('refuses a deployer changing a secret and anyone changing a protected key, auditing the denial', async () => {
    await p.enrol('deployer');
    await p.enrol('admin');
    const deployer: Caller = { bearer: await p.cliToken('deployer') };
    p.h.audit.clear();
    const secret = await call(
      deployer,
      'PUT',
      '/api/v1/apps/storefront/env',
      { set: { API_TOKEN: 'x' } },
      mfa,
    );
    expect(secret.status).toBe(403);
    expect(secret.body.error).toBe('secret_permission_required');
    await expect.poll(() => p.h.audit.of('secret.set').length).toBe(1);
    expect(p.h.audit.of('secret.set')[0]).toMatchObject({
      status: 'denied',
      resource: 'storefront/API_TOKEN',
    });
    await p.h.database.db.query(
      "INSERT INTO settings (app_name, key, value, updated_at) VALUES ('billing-api', 'protected_env_vars', $1, now())",
      [JSON.stringify(['LOG_LEVEL'])],
    );
    const admin: Caller = { bearer: await p.cliToken('admin') };
    const before = p.rack.requests.list().length;
    const change = await call(
      admin,
      'PUT',
      '/api/v1/apps/billing-api/env',
      { set: { LOG_LEVEL: 'trace' } },
      mfa,
    );
    expect(change.status).toBe(403);
    expect(change.body.error).toBe('protected_env_var');
    const removal = await call(
      admin,
      'PUT',
      '/api/v1/apps/billing-api/env',
      { remove: ['LOG_LEVEL'] },
      mfa,
    );
    expect(removal.body.error).toBe('protected_env_var');
    expect(
      p.rack.requests
        .list()
        .slice(before)
        .some((r) => r.method === 'POST'),
    ).toBe(false);
    const masked = await call(admin, 'GET', '/api/v1/apps/billing-api/env');
    expect((masked.body.env as Record<string, string>).LOG_LEVEL).toBe(ENV_MASK);
    expect(masked.body.protected_keys).toEqual(['LOG_LEVEL']);
  });
});
