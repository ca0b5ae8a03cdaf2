import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { dialUpstream, REVOKED_CLOSE_CODE, type Relay, relay } from '../src/proxy/ws-relay.js';

const noTls = { verify: false, ca: undefined, pin: () => null };
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A rack that answers every socket with three output frames (one not UTF-8), then EOF. */
async function fakeRack(
  onConnect?: (ws: WebSocket, req: IncomingMessage) => void,
): Promise<number> {
  const server = createServer();
  const wss = new WebSocketServer({ server, skipUTF8Validation: true });
  wss.on('connection', (ws, req) => {
    if (onConnect) return onConnect(ws, req);
    ws.send(Buffer.from('hello '), { binary: false });
    ws.send(Buffer.from([0xff, 0xfe, 0x41]), { binary: false });
    ws.send(Buffer.from('F1E49A85-0AD7-4AEF-A618-C249C6E6568D:3\n'), { binary: false });
    ws.send(Buffer.alloc(0), { binary: true });
  });
  return listen(server);
}

/** A gateway-like server relaying each client socket to the rack. */
async function gateway(
  rackPort: number,
  onRelay: (r: Relay) => void = () => undefined,
  frames: string[] = [],
): Promise<number> {
  const server = createServer();
  const wss = new WebSocketServer({ server, skipUTF8Validation: true });
  wss.on('connection', async (client) => {
    client.pause();
    const upstream = await dialUpstream({
      url: `ws://127.0.0.1:${rackPort}/apps/a/processes/p/exec`,
      headers: { authorization: 'Basic cmFjaw==', command: 'ls' },
      origin: `http://127.0.0.1:${rackPort}`,
      tls: noTls,
    });
    onRelay(
      relay(client, upstream, {
        onFrame: (d, data) => frames.push(`${d}:${data.toString('hex')}`),
      }),
    );
  });
  return listen(server);
}

function collect(ws: WebSocket): {
  frames: { data: Buffer; binary: boolean }[];
  closed: Promise<number>;
} {
  const frames: { data: Buffer; binary: boolean }[] = [];
  ws.on('message', (data, binary) => frames.push({ data: data as Buffer, binary }));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return { frames, closed };
}

describe('WebSocket relay (convox-rack-api.md §5.6)', () => {
  it('relays frames 1:1 and byte-identical, including non-UTF-8 output, the trailer and EOF', async () => {
    const seen: string[] = [];
    const port = await gateway(await fakeRack(), undefined, seen);
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { skipUTF8Validation: true });
    const { frames, closed } = collect(ws);
    await expect.poll(() => frames.length).toBe(4);
    expect(frames.map((f) => f.data.toString('hex'))).toEqual([
      Buffer.from('hello ').toString('hex'),
      'fffe41',
      Buffer.from('F1E49A85-0AD7-4AEF-A618-C249C6E6568D:3\n').toString('hex'),
      '',
    ]);
    expect(frames.map((f) => f.binary)).toEqual([false, false, false, true]);
    expect(seen.every((s) => s.startsWith('o:'))).toBe(true);
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it('sends client input upstream and mirrors the close code', async () => {
    const received: string[] = [];
    let upstreamClose = 0;
    const rack = await fakeRack((ws) => {
      ws.on('message', (d) => received.push((d as Buffer).toString()));
      ws.on('close', (code) => {
        upstreamClose = code;
      });
    });
    const port = await gateway(rack);
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => ws.once('open', r));
    ws.send('echo hi\n');
    await expect.poll(() => received).toEqual(['echo hi\n']);
    ws.close(4000);
    await expect.poll(() => upstreamClose).toBe(4000);
  });

  it('passes the rewritten Origin and the rack credential on the upstream handshake', async () => {
    let headers: IncomingMessage['headers'] = {};
    const rack = await fakeRack((ws, req) => {
      headers = req.headers;
      ws.close(1000);
    });
    const port = await gateway(rack);
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { origin: 'https://evil.example' });
    await new Promise((r) => ws.once('close', r));
    expect(headers).toMatchObject({
      origin: `http://127.0.0.1:${rack}`,
      authorization: 'Basic cmFjaw==',
      command: 'ls',
    });
  });

  it("reports the rack's refusal with its status and message", async () => {
    const server = createServer((_req, res) =>
      res
        .writeHead(403)
        .end('Forbidden\nERROR: websocket: request origin not allowed by Upgrader.CheckOrigin\n'),
    );
    const port = await listen(server);
    await expect(
      dialUpstream({
        url: `ws://127.0.0.1:${port}/system/logs`,
        headers: {},
        origin: 'http://x',
        tls: noTls,
      }),
    ).rejects.toMatchObject({
      status: 502,
      upstreamStatus: 403,
      message: expect.stringContaining('request origin not allowed'),
    });
  });

  it('terminates on revocation: in-band error, EOF, then close 4001 on both sides', async () => {
    let upstreamClose = 0;
    const rack = await fakeRack((ws) =>
      ws.on('close', (code) => {
        upstreamClose = code;
      }),
    );
    let active: Relay | undefined;
    const port = await gateway(rack, (r) => {
      active = r;
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const { frames, closed } = collect(ws);
    await expect.poll(() => active).toBeDefined();
    active?.terminate(REVOKED_CLOSE_CODE, 'session revoked');
    expect(await closed).toBe(4001);
    expect(frames.map((f) => [f.data.toString(), f.binary])).toEqual([
      ['ERROR: session revoked\n', false],
      ['', true],
    ]);
    await expect.poll(() => upstreamClose).toBe(4001);
  });
});
