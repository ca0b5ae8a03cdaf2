// The control surface and faults (mock-rack.md §10–11): HTTP control API, request log, faults
// (status, hangup, latency, socket drops, refusals), outages, and the demo-mode start call.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMockRack } from '../src/index.js';
import { type Fixture, frameTexts, rack, raw, socket, startFixture, until } from './support/raw.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.mock.close());
beforeEach(() => f.mock.reset());

function control(method: string, path: string, body?: unknown) {
  return raw(f.mock, {
    method,
    path: `/_mock/${path}`,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

it('serves health and the control routes without rack authentication', async () => {
  expect(JSON.parse((await control('GET', 'health')).body)).toEqual({
    status: 'ok',
    version: '3.24.6',
  });
  const state = JSON.parse((await control('GET', 'state')).body) as { apps: { name: string }[] };
  expect(state.apps.map((a) => a.name)).toEqual(['storefront', 'billing-api', 'docs']);
  await rack(f, { path: '/apps?' });
  const requests = JSON.parse((await control('GET', 'requests?since=0')).body) as {
    path: string;
  }[];
  expect(requests.map((r) => r.path)).toEqual(['/apps']);
  await control('DELETE', 'requests');
  expect(f.mock.requests.list()).toEqual([]);
});

it('drives the manual clock, pod statuses and exec scripts through HTTP', async () => {
  await rack(f, { method: 'POST', path: '/apps/storefront/restart?' });
  expect(JSON.parse((await control('POST', 'clock', { runAll: true })).body)).toMatchObject({
    pending: 0,
  });
  const [pod] = JSON.parse((await rack(f, { path: '/apps/docs/processes?' })).body) as {
    id: string;
  }[];
  await control('POST', `processes/docs/${pod?.id}`, { status: 'crashed' });
  const after = JSON.parse((await rack(f, { path: `/apps/docs/processes/${pod?.id}?` })).body);
  expect(after.status).toBe('crashed');
  await control('POST', 'exec-scripts', { command: 'bin/seed', output: ['seeded'], exitCode: 2 });
  const s = await socket(f, '/apps/storefront/processes/web/exec', {
    Command: 'bin/seed',
    Tty: 'false',
  });
  await s.closed;
  expect(frameTexts(s.frames).slice(0, 2)).toEqual([
    'seeded\n',
    'F1E49A85-0AD7-4AEF-A618-C249C6E6568D:2\n',
  ]);
});

it('resets to the scenario: state, faults and request log', async () => {
  await rack(f, { method: 'DELETE', path: '/apps/storefront?' });
  f.mock.faults.add({ effect: { status: 503 } });
  await control('POST', 'reset', { scenario: 'empty' });
  expect(f.mock.faults.list()).toEqual([]);
  expect(f.mock.requests.list()).toEqual([]);
  expect((await rack(f, { path: '/apps?' })).body).toBe('[]\n');
  await control('POST', 'reset', { scenario: 'demo' });
  expect((await rack(f, { path: '/apps/storefront?' })).status).toBe(200);
});

it('status faults answer like rack errors after authentication, `times` limits them', async () => {
  const id = f.mock.faults.add({
    match: { method: 'GET', path: '/apps/*' },
    effect: { status: 503, body: 'down' },
    times: 1,
  });
  expect(await rack(f, { path: '/apps/docs?' })).toMatchObject({ status: 503, body: 'down\n' });
  expect((await rack(f, { path: '/apps/docs?' })).status).toBe(200);
  expect((await raw(f.mock, { path: '/apps/docs?' })).status).toBe(401);
  expect(f.mock.faults.list().find((r) => r.id === id)?.applied).toBe(1);
});

it('hangup faults drop the connection without a response', async () => {
  f.mock.faults.add({ match: { path: '/apps/**' }, effect: { hangup: true } });
  await expect(rack(f, { path: '/apps/docs/processes?' })).rejects.toThrow(/socket hang up/);
});

it('latency faults wait on the injected clock', async () => {
  f.mock.faults.add({ match: { path: '/system' }, effect: { latencyMs: 5_000 } });
  let done = false;
  const pending = rack(f, { path: '/system?' }).then((res) => {
    done = true;
    return res;
  });
  await until(() => f.clock.pending() > 0, 'the latency timer');
  expect(done).toBe(false);
  f.clock.advance(5_000);
  expect((await pending).status).toBe(200);
});

it('socket faults drop abruptly after n frames: no trailer arrives', async () => {
  f.mock.faults.add({
    match: { method: 'SOCKET' },
    effect: { wsDropAfterFrames: 2, wsAbrupt: true },
  });
  const s = await socket(f, '/apps/storefront/processes/web/exec', {
    Command: 'echo a; echo b; echo c',
    Tty: 'false',
  });
  expect(await s.closed).toBe(1006);
  expect(frameTexts(s.frames)).toEqual(['a\n', 'b\n']);
});

it('wsRefuseStatus refuses the upgrade with that status', async () => {
  f.mock.faults.add({ match: { method: 'SOCKET' }, effect: { wsRefuseStatus: 502 } });
  await expect(socket(f, '/apps/storefront/logs')).rejects.toThrow('handshake refused');
  expect(f.mock.requests.list().at(-1)).toMatchObject({ method: 'SOCKET', status: 502 });
});

it('failNextBuild fails the next build of the matched app', async () => {
  f.mock.faults.add({ match: { app: 'storefront' }, effect: { failNextBuild: true }, times: 1 });
  const res = await rack(f, { method: 'POST', path: '/apps/storefront/builds/import?', body: 'x' });
  f.clock.runAll();
  const { id } = JSON.parse(res.body) as { id: string };
  const build = JSON.parse((await rack(f, { path: `/apps/storefront/builds/${id}?` })).body);
  expect(build.status).toBe('failed');
});

it('stop() and start() simulate an outage and keep the state', async () => {
  await rack(f, {
    method: 'POST',
    path: '/apps?',
    body: 'name=kept',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  await f.mock.stop();
  await expect(rack(f, { path: '/apps?' })).rejects.toThrow(/ECONNREFUSED/);
  await f.mock.start();
  expect((await rack(f, { path: '/apps/kept?' })).status).toBe(200);
});

it('keeps the demo-mode call working: port 0 picks a free port, /health answers', async () => {
  const mock = await startMockRack({ port: 0, password: 'demo-secret' });
  try {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    const body = await new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port: mock.port, path: '/health' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve(text));
      }).end();
    });
    expect(JSON.parse(body)).toEqual({ status: 'ok', service: 'mock-rack' });
  } finally {
    await mock.close();
  }
});

it('serves no control routes when the control API is off', async () => {
  const mock = await startMockRack({ port: 0, controlApi: false });
  try {
    expect((await raw(mock, { method: 'POST', path: '/_mock/reset' })).status).toBe(404);
    expect((await raw(mock, { path: '/_mock/health' })).status).toBe(200);
  } finally {
    await mock.close();
  }
});
