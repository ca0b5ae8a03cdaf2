// Contract: every socket route through the client against the mock rack (logs, build logs, exec),
// plus the rack's authentication and Origin rules on sockets.
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  RackClient,
  RackForbiddenError,
  RackStreamError,
  RackUnauthorizedError,
} from '../src/index.js';
import { describeRoute, lastRouted, until, useRack } from './support/rack.js';

const rack = useRack();

async function firstPod(app: string, service: string): Promise<string> {
  const [pod] = await rack.client.listProcesses(app, { service });
  return pod?.id ?? '';
}

async function execText(command: string, options: { tty?: boolean; stdin?: string } = {}) {
  const pid = await firstPod('storefront', 'web');
  const output: Buffer[] = [];
  const session = await rack.client.exec('storefront', pid, command, {
    tty: options.tty ?? false,
    onOutput: (chunk) => output.push(chunk),
  });
  if (options.stdin !== undefined) {
    session.write(options.stdin);
    session.end();
  }
  const result = await session.result;
  return { ...result, output: Buffer.concat(output), frames: output.length };
}

describeRoute('processes.exec', () => {
  it('yields the remote exit code (exit 3 → 3)', async () => {
    expect(await execText('exit 3')).toMatchObject({ exitCode: 3, output: Buffer.alloc(0) });
    const entry = lastRouted(rack, 'processes.exec');
    expect(entry.method).toBe('SOCKET');
    expect(entry.headers).toMatchObject({ command: 'exit 3', tty: 'false' });
    expect(entry.rawQuery).toBe('');
  });

  it('sends stdin as frames and EOF on end(); cat exits when stdin closes', async () => {
    const result = await execText('cat', { stdin: 'hello\nworld\n' });
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.output.toString()).toBe('hello\nworld\n');
    const entry = lastRouted(rack, 'processes.exec');
    expect(entry.framesIn).toBe(2);
  });

  it('keeps frames 1:1 and bytes that are not UTF-8', async () => {
    const result = await execText("printf 'a\\xff\\xfe\\n'; echo b; echo c");
    expect(result.frames).toBe(3);
    expect(result.output).toEqual(Buffer.from([0x61, 0xff, 0xfe, 0x0a, 0x62, 0x0a, 0x63, 0x0a]));
  });

  it('uses terminal line endings with a TTY', async () => {
    const result = await execText('sh -c "echo a && exit 4"', { tty: true });
    expect(result).toMatchObject({ exitCode: 4, output: Buffer.from('a\r\n') });
  });

  it('reports an exec that fails before starting as exit 1 with the rack message', async () => {
    const session = await rack.client.exec('storefront', 'web-nope', 'true');
    expect(await session.result).toEqual({ exitCode: 1, error: 'process not found: web-nope' });
  });

  it('accepts a service name as the process', async () => {
    const output: Buffer[] = [];
    const session = await rack.client.exec('storefront', 'worker', 'printenv APP', {
      tty: false,
      onOutput: (c) => output.push(c),
    });
    expect(await session.result).toEqual({ exitCode: 0 });
    expect(Buffer.concat(output).toString()).toBe('storefront\n');
  });
});

describeRoute('logs.app', () => {
  it('follows: new lines stream until the client closes', async () => {
    const stream = await rack.client.appLogs('storefront', { prefix: true });
    const received: string[] = [];
    const reading = (async () => {
      for await (const frame of stream) received.push(frame.toString());
    })();
    const pid = await firstPod('storefront', 'web');
    rack.mock.appendLogs({ app: 'storefront', pid, lines: ['first'] });
    await until(() => received.length === 1, 'the first line');
    rack.mock.appendLogs({ app: 'storefront', lines: ['second'] });
    await until(() => received.length === 2, 'the second line');
    stream.close();
    await reading;
    expect(received).toEqual([
      `2025-01-15T12:00:00Z service/web/${pid} first\n`,
      '2025-01-15T12:00:00Z system/k8s/atom/app second\n',
    ]);
    const entry = await until(() => rack.mock.requests.list().find((e) => e.closeCode), 'close');
    expect(entry.closeCode).toBe(1000);
  });

  it('without follow sends the selection and EOF', async () => {
    rack.mock.appendLogs({ app: 'storefront', service: 'web', lines: ['a', 'b', 'c'] });
    rack.clock.advance(60_000);
    const stream = await rack.client.appLogs('storefront', {
      follow: false,
      tail: 2,
      since: 3_600_000,
    });
    expect(await stream.text()).toBe('b\nc\n');
    expect(lastRouted(rack, 'logs.app').headers).toMatchObject({
      follow: 'false',
      tail: '2',
      since: '1h0m0s',
    });
  });
});

describeRoute('logs.service', () => {
  it('streams only that service', async () => {
    rack.mock.appendLogs({ app: 'storefront', service: 'web', lines: ['from web'] });
    rack.mock.appendLogs({ app: 'storefront', service: 'worker', lines: ['from worker'] });
    const stream = await rack.client.serviceLogs('storefront', 'worker', { follow: false });
    expect(await stream.text()).toBe('from worker\n');
  });
});

describeRoute('logs.process', () => {
  it('streams only that process, with a filter', async () => {
    const pid = await firstPod('storefront', 'web');
    rack.mock.appendLogs({ app: 'storefront', pid, lines: ['GET /a', 'POST /b'] });
    const stream = await rack.client.processLogs('storefront', pid, {
      follow: false,
      filter: 'POST',
    });
    expect(await stream.text()).toBe('POST /b\n');
  });
});

describeRoute('logs.system', () => {
  it('streams rack events', async () => {
    await rack.client.updateSystem({ count: 4 });
    const stream = await rack.client.systemLogs({ follow: false, prefix: true });
    expect(await stream.text()).toBe(
      '2025-01-15T12:00:00Z system/k8s/rack Status: Running => Updating\n',
    );
  });
});

describeRoute('logs.build', () => {
  it('replays a finished build’s log and ends', async () => {
    const text = await (await rack.client.buildLogs('storefront', 'BSTOREFAAAA')).text();
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Preparing source \(\d+ files, \d+ bytes\)$/);
    expect(lines).toContain('Building: web');
    expect(lines.at(-1)).toBe('Build complete: BSTOREFAAAA');
  });
});

it('an unauthenticated socket gets the in-band error and EOF', async () => {
  const client = new RackClient({ url: `http://convox:wrong@127.0.0.1:${rack.mock.port}` });
  const stream = await client.appLogs('storefront');
  expect(await stream.text()).toBe('ERROR: invalid authentication\n');
  await expect(client.listApps()).rejects.toBeInstanceOf(RackUnauthorizedError);
  await client.close();
});

it('a handshake with a foreign Origin is refused like the rack does', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${rack.mock.port}/apps/storefront/logs`, {
    origin: 'https://evil.example.com',
  });
  const refusal = await new Promise<{ status?: number; version?: string; body: string }>(
    (resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            version: res.headers['sec-websocket-version'] as string,
            body,
          }),
        );
      });
    },
  );
  expect(refusal).toEqual({
    status: 403,
    version: '13',
    body: 'Forbidden\nERROR: websocket: request origin not allowed by Upgrader.CheckOrigin\n',
  });
});

it('the client surfaces a refused handshake as a typed error', async () => {
  rack.mock.faults.add({
    match: { method: 'SOCKET' },
    effect: { wsRefuseStatus: 403, body: 'nope' },
  });
  await expect(rack.client.appLogs('storefront')).rejects.toBeInstanceOf(RackForbiddenError);
});

it('an exec whose connection drops before the trailer fails instead of exiting 0', async () => {
  rack.mock.faults.add({
    match: { method: 'SOCKET' },
    effect: { wsDropAfterFrames: 1, wsAbrupt: true },
  });
  const session = await rack.client.exec('storefront', 'web', 'echo a; echo b', { tty: false });
  await expect(session.result).rejects.toBeInstanceOf(RackStreamError);
});
