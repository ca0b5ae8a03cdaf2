// What a real rack answers to unusual or malformed requests (mock-rack.md §2, API §1, §3, §4.3):
// unknown paths, wrong methods, missing or wrong credentials, the trailing `?`, the §7.2 routes,
// bad option values, foreign Origins and in-band socket authentication.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Fixture, form, rack, raw, socket, startFixture } from './support/raw.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.mock.close());
beforeEach(() => f.mock.reset());

it('answers an unknown path 404 without an auth check', async () => {
  const res = await raw(f.mock, { path: '/nope' });
  expect(res).toMatchObject({ status: 404, body: '404 page not found\n' });
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.headers['request-id']).toBeUndefined();
});

it('answers a known path with another method 405 with an empty body', async () => {
  const res = await raw(f.mock, { method: 'PATCH', path: '/apps' });
  expect(res).toMatchObject({ status: 405, body: '' });
});

it('refuses a missing or wrong password with 401 and the Basic challenge', async () => {
  const wrong = `Basic ${Buffer.from('convox:wrong').toString('base64')}`;
  const attempts: Record<string, string>[] = [{}, { Authorization: wrong }];
  for (const headers of attempts) {
    const res = await raw(f.mock, { path: '/apps?', headers });
    expect(res).toMatchObject({ status: 401, body: 'invalid authentication\n' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="convox"');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  }
});

it('writes errors as compact JSON when Accept lists application/json', async () => {
  const res = await raw(f.mock, {
    path: '/apps/nope?',
    headers: { Authorization: f.auth, Accept: 'text/html, application/json;q=0.9' },
  });
  expect(res).toMatchObject({ status: 404, body: '{"error":"app not found: nope"}\n' });
  expect(res.headers['content-type']).toBe('application/json');
});

it('ignores the username and accepts any password when the rack has none', async () => {
  const res = await rack(f, { path: '/apps?' });
  expect(res.status).toBe(200);
  const entry = f.mock.requests.list().at(-1);
  expect(entry?.authorization).toEqual({ scheme: 'Basic', username: 'convox', auth: 'ok' });
  expect(JSON.stringify(entry)).not.toContain(f.mock.password);
});

it('serves targets ending in ? and sets the security headers', async () => {
  const res = await rack(f, { path: '/system?' });
  expect(res.status).toBe(200);
  expect(res.headers).toMatchObject({
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
  });
  expect(res.headers['request-id']).toMatch(/^[a-z0-9]{12}$/);
  expect(f.mock.requests.list().at(-1)).toMatchObject({ rawQuery: '', hasQueryMark: true });
});

it("answers the rack's §7.2 routes and records them; unregistered SDK probes are 404", async () => {
  const res = await rack(f, { path: '/certificates?' });
  expect(res).toMatchObject({ status: 200, body: '[]\n' });
  expect(f.mock.requests.list().at(-1)).toMatchObject({
    path: '/certificates',
    routePattern: '/certificates',
    status: 200,
  });
  expect((await rack(f, { path: '/racks?' })).status).toBe(404);
});

it('reports an invalid int option like Go’s strconv', async () => {
  const res = await form(f, 'PUT', '/apps/storefront/services/web?', 'count=three');
  expect(res).toMatchObject({
    status: 500,
    body: 'strconv.Atoi: parsing "three": invalid syntax\n',
  });
});

it('refuses object keys with a .. segment', async () => {
  const res = await rack(f, {
    method: 'POST',
    path: '/apps/storefront/objects/a/../b?',
    body: 'x',
  });
  expect(res).toMatchObject({ status: 400, body: 'invalid object key\n' });
});

it('records forms, body sizes and headers of forwarded requests', async () => {
  await form(
    f,
    'POST',
    '/apps/storefront/releases?',
    'env=A%3D1%0AB%3Dx+y&parent-release=RSTOREFAAAD',
  );
  const entry = f.mock.requests.list().at(-1);
  expect(entry).toMatchObject({
    method: 'POST',
    routePattern: '/apps/{app}/releases',
    form: { env: ['A=1\nB=x y'], 'parent-release': ['RSTOREFAAAD'] },
    bodyBytes: 46,
    status: 200,
  });
  expect(entry?.headers.authorization).toBeUndefined();
  expect(entry?.headers['content-type']).toBe('application/x-www-form-urlencoded');
});

it('answers a plain GET on a socket route 400 like gorilla’s upgrader', async () => {
  const res = await rack(f, { path: '/apps/storefront/logs' });
  expect(res.status).toBe(400);
  expect(res.body).toMatch(
    /^Bad Request\nERROR: websocket: the client is not using the websocket protocol/,
  );
});

it('refuses a foreign Origin before the upgrade with the exact body', async () => {
  const res = await raw(f.mock, {
    path: '/apps/storefront/logs',
    headers: {
      Authorization: f.auth,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      Origin: 'http://evil.example.com',
    },
  }).catch((err: Error) => err);
  expect(res).toMatchObject({
    status: 403,
    body: 'Forbidden\nERROR: websocket: request origin not allowed by Upgrader.CheckOrigin\n',
  });
  expect((res as { headers: Record<string, string> }).headers['sec-websocket-version']).toBe('13');
});

it('accepts an Origin whose host matches Host, whatever the scheme or case', async () => {
  const s = await socket(f, '/apps/storefront/logs', {
    Origin: `HTTPS://127.0.0.1:${f.mock.port}`,
    Follow: 'false',
  });
  expect(await s.closed).toBe(1000);
  expect(f.mock.requests.list().at(-1)?.origin).toBe(`HTTPS://127.0.0.1:${f.mock.port}`);
});

it('authenticates sockets after the upgrade: in-band error then EOF', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${f.mock.port}/apps/storefront/logs`, {
    headers: { Authorization: `Basic ${Buffer.from('convox:bad').toString('base64')}` },
  });
  const frames: string[] = [];
  ws.on('message', (d: Buffer, binary: boolean) =>
    frames.push(binary ? `<EOF:${d.length}>` : d.toString()),
  );
  const code = await new Promise((resolve) => ws.on('close', resolve));
  expect(frames).toEqual(['ERROR: invalid authentication\n', '<EOF:0>']);
  expect(code).toBe(1000);
});
