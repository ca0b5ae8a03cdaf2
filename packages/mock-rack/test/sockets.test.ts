// Exec and log sockets frame by frame (mock-rack.md §8.2–8.4, acceptance §13.5–13.6).
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type Fixture, frameTexts, rack, raw, socket, startFixture, until } from './support/raw.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.mock.close());
beforeEach(() => f.mock.reset());

const TRAILER = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D';

async function webPod(): Promise<string> {
  const res = await rack(f, { path: '/apps/storefront/processes?service=web' });
  return (JSON.parse(res.body) as { id: string }[])[0]?.id ?? '';
}

async function exec(command: string, headers: Record<string, string> = {}) {
  const s = await socket(f, `/apps/storefront/processes/${await webPod()}/exec`, {
    Command: command,
    ...headers,
  });
  await s.closed;
  return frameTexts(s.frames);
}

it('exec without a TTY: output frame, trailer frame, empty binary frame', async () => {
  expect(await exec("sh -c 'echo a && exit 4'", { Tty: 'false' })).toEqual([
    'a\n',
    `${TRAILER}:4\n`,
    '<EOF:0>',
  ]);
});

it('exec with the default TTY uses terminal line endings', async () => {
  expect(await exec("sh -c 'echo a && exit 4'")).toEqual(['a\r\n', `${TRAILER}:4\n`, '<EOF:0>']);
});

it('exec on an unknown pid sends the trailer first, then the error', async () => {
  const s = await socket(f, '/apps/storefront/processes/web-nope/exec', { Command: 'true' });
  await s.closed;
  expect(frameTexts(s.frames)).toEqual([
    `${TRAILER}:0\n`,
    'ERROR: process not found: web-nope\n',
    '<EOF:0>',
  ]);
});

it('exec of an unknown command exits 127 and scripted commands run', async () => {
  expect(await exec('nope', { Tty: 'false' })).toEqual([
    'sh: 1: nope: not found\n',
    `${TRAILER}:127\n`,
    '<EOF:0>',
  ]);
  expect(await exec('rake db:migrate', { Tty: 'false' })).toEqual([
    '== Migrating… done\n',
    'Migrations complete\n',
    `${TRAILER}:0\n`,
    '<EOF:0>',
  ]);
});

it('an interactive shell reads lines until exit, echoing with a TTY', async () => {
  const s = await socket(f, `/apps/storefront/processes/${await webPod()}/exec`, { Command: 'sh' });
  await until(() => s.frames.length === 1, 'the prompt');
  s.ws.send(Buffer.from('pwd\r'), { binary: false });
  await until(() => frameTexts(s.frames).includes('/app\r\n'), 'pwd output');
  s.ws.send(Buffer.from('exit 5\r'), { binary: false });
  await s.closed;
  expect(frameTexts(s.frames)).toEqual([
    '/app $ ',
    'pwd\r\n',
    '/app\r\n',
    '/app $ ',
    'exit 5\r\n',
    `${TRAILER}:5\n`,
    '<EOF:0>',
  ]);
});

it('sleep waits on the injected clock', async () => {
  const s = await socket(f, `/apps/storefront/processes/${await webPod()}/exec`, {
    Command: 'sleep 30; echo done',
    Tty: 'false',
  });
  await until(() => f.clock.pending() > 0, 'the sleep timer');
  expect(s.frames).toEqual([]);
  f.clock.advance(30_000);
  await s.closed;
  expect(frameTexts(s.frames)).toEqual(['done\n', `${TRAILER}:0\n`, '<EOF:0>']);
});

it('logs without follow: Since, Tail and Prefix select the last lines, then EOF', async () => {
  const pod = await webPod();
  f.mock.appendLogs({ app: 'storefront', pid: pod, lines: ['old'] });
  f.clock.advance(2 * 3_600_000);
  f.mock.appendLogs({ app: 'storefront', pid: pod, lines: ['one', 'two', 'three'] });
  f.clock.advance(1_000);
  const s = await socket(f, '/apps/storefront/logs', {
    Follow: 'false',
    Since: '1h0m0s',
    Tail: '2',
    Prefix: 'true',
  });
  await s.closed;
  expect(frameTexts(s.frames)).toEqual([
    `2025-01-15T14:00:00Z service/web/${pod} two\n`,
    `2025-01-15T14:00:00Z service/web/${pod} three\n`,
    '<EOF:0>',
  ]);
});

it('logs follow by default and stream lines appended through the control API', async () => {
  const s = await socket(f, '/apps/storefront/services/web/logs');
  const res = await raw(f.mock, {
    method: 'POST',
    path: '/_mock/logs',
    body: JSON.stringify({ app: 'storefront', service: 'web', lines: ['hello'] }),
  });
  expect(res.status).toBe(200);
  await until(() => s.frames.length === 1, 'the appended line');
  expect(frameTexts(s.frames)).toEqual(['hello\n']);
  s.ws.close(1000);
  expect(await s.closed).toBe(1000);
});

it('an app keeps its newest 50,000 log lines, also while its buffer waits to be trimmed', async () => {
  const lines = Array.from({ length: 53_000 }, (_, i) => `line ${i}`);
  f.mock.appendLogs({ app: 'storefront', lines });
  const s = await socket(f, '/apps/storefront/logs', { Follow: 'false', Since: '1h0m0s' });
  await s.closed;
  const texts = frameTexts(s.frames);
  expect(texts.length).toBe(50_001);
  expect(texts[0]).toBe('line 3000\n');
  expect(texts.at(-2)).toBe('line 52999\n');
});

it('build logs follow a running build and end at its terminal status', async () => {
  const created = await rack(f, {
    method: 'POST',
    path: '/apps/storefront/builds/import?',
    body: 'not a tarball',
  });
  const { id } = JSON.parse(created.body) as { id: string };
  const s = await socket(f, `/apps/storefront/builds/${id}/logs`);
  f.clock.runAll();
  await s.closed;
  expect(frameTexts(s.frames)).toEqual([
    'ERROR: invalid build archive: incorrect header check\n',
    '<EOF:0>',
  ]);
  const build = JSON.parse((await rack(f, { path: `/apps/storefront/builds/${id}?` })).body);
  expect(build).toMatchObject({
    status: 'failed',
    reason: 'invalid build archive: incorrect header check',
  });
});

it('run processes execute their command and end complete or failed', async () => {
  const res = await rack(f, {
    method: 'POST',
    path: '/apps/storefront/services/web/processes?',
    headers: { Command: 'printenv APP && exit 3' },
  });
  const pod = JSON.parse(res.body) as { id: string; status: string };
  expect(pod.status).toBe('pending');
  f.clock.runAll();
  await until(
    () =>
      (f.mock.state() as { apps: { processes: { id: string; status: string }[] }[] }).apps
        .flatMap((a) => a.processes)
        .find((p) => p.id === pod.id && p.status === 'failed'),
    'the run pod to fail',
  );
  const logs = await socket(f, `/apps/storefront/processes/${pod.id}/logs`, { Follow: 'false' });
  await logs.closed;
  expect(frameTexts(logs.frames)).toContain('storefront\n');
});

it('a socket with an invalid option value fails in-band instead of crashing', async () => {
  const s = await socket(f, '/apps/storefront/logs', { Tail: 'many' });
  await s.closed;
  expect(frameTexts(s.frames)).toEqual([
    'ERROR: strconv.Atoi: parsing "many": invalid syntax\n',
    '<EOF:0>',
  ]);
  expect((await rack(f, { path: '/system?' })).status).toBe(200);
});
