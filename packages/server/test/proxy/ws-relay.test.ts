// The socket relay on its own (src/proxy/ws-relay.ts; issue 11 finding 1): a real client, a relay
// in the middle and a real peer standing in for the rack, all WebSocket over loopback. Covers what
// the proxy tests cannot force: a side that stops reading (backpressure instead of an unbounded
// queue in the gateway) and a client that said everything and closed while the relay was still
// being attached.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RackTls } from '../../src/proxy/rack-dispatcher.js';
import { type CloseCause, dialUpstream, relay } from '../../src/proxy/ws-relay.js';

interface Peer {
  readonly server: WebSocketServer;
  readonly url: string;
  /** The peer's side of the next connection. */
  readonly next: Promise<WebSocket>;
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

/** A WebSocket server; `hold` pauses the accepted socket at once, as the gateway's upgrade does. */
async function listen(hold = false): Promise<Peer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', skipUTF8Validation: true });
  servers.push(server);
  await once(server, 'listening');
  const next = new Promise<WebSocket>((resolve) =>
    server.once('connection', (ws: WebSocket) => {
      if (hold) ws.pause();
      resolve(ws);
    }),
  );
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, next };
}

const NO_TLS: RackTls = { verify: false, ca: undefined, pin: () => null };

/**
 * A gateway in miniature: holds the accepted client, dials the rack (returned held), and attaches
 * the relay after `delayMs` (the gateway writes the capture and the open event meanwhile).
 */
async function relayBetween(
  options: {
    highWaterBytes?: number;
    delayMs?: number;
    beforeAttach?: (inbound: WebSocket) => Promise<void>;
  } = {},
) {
  const rack = await listen();
  const front = await listen(true);
  const closes: { code: number; cause: CloseCause }[] = [];
  const attached = front.next.then(async (inbound) => {
    const upstream = await dialUpstream({
      url: rack.url,
      headers: {},
      origin: rack.url.replace(/^ws/, 'http'),
      tls: NO_TLS,
    });
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    await options.beforeAttach?.(inbound);
    const opts = options.highWaterBytes ? { highWaterBytes: options.highWaterBytes } : {};
    return {
      upstream,
      relay: relay(inbound, upstream, { onClose: (c) => closes.push(c) }, opts),
    };
  });
  return { rack, front, closes, attached };
}

describe('socket relay', () => {
  it('stops reading a side whose data the other side does not take, and delivers all of it later', async () => {
    const highWater = 64 * 1024;
    const { rack, front, attached } = await relayBetween({ highWaterBytes: highWater });
    const client = new WebSocket(front.url);
    await once(client, 'open');
    const peer = await rack.next;
    peer.pause(); // the rack stops reading
    const { upstream } = await attached;
    const frame = Buffer.alloc(64 * 1024, 0x62);
    const frames = 512; // 32 MiB: far beyond what loopback's socket buffers hold
    let maxQueued = 0;
    const sampler = setInterval(() => {
      maxQueued = Math.max(maxQueued, upstream.bufferedAmount);
    }, 5);
    for (let i = 0; i < frames; i += 1) client.send(frame, { binary: true });
    // The client's data waits in its own send queue once the gateway stops reading it.
    await expect.poll(() => client.bufferedAmount, { timeout: 10_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(sampler);
    maxQueued = Math.max(maxQueued, upstream.bufferedAmount);
    expect(maxQueued).toBeLessThanOrEqual(highWater + frame.length);
    let received = 0;
    peer.on('message', (data: Buffer) => {
      received += data.length;
    });
    peer.resume();
    await expect.poll(() => received, { timeout: 20_000 }).toBe(frames * frame.length);
  });

  it('delivers frames and the close of a client that went away before the relay attached', async () => {
    const { rack, front, closes, attached } = await relayBetween({ delayMs: 150 });
    const client = new WebSocket(front.url);
    client.once('open', () => {
      client.send('abc');
      client.send(Buffer.alloc(0), { binary: true });
      client.close(1000);
    });
    const peer = await rack.next;
    const seen: string[] = [];
    peer.on('message', (data: Buffer, isBinary: boolean) => {
      seen.push(isBinary ? `binary:${data.length}` : data.toString());
    });
    const [peerCode] = (await once(peer, 'close')) as [number];
    expect(seen).toEqual(['abc', 'binary:0']);
    expect(peerCode).toBe(1000);
    await (await attached).relay.closed;
    expect(closes).toEqual([{ code: 1000, cause: 'client' }]);
  });

  it('delivers what the rack said before the relay attached, then its close, to the client', async () => {
    const { rack, front, closes, attached } = await relayBetween({ delayMs: 150 });
    const client = new WebSocket(front.url, { skipUTF8Validation: true });
    const seen: string[] = [];
    client.on('message', (data: Buffer) => seen.push(data.toString()));
    const peer = await rack.next;
    peer.send('first');
    peer.send('second');
    peer.close(4002);
    const [code] = (await once(client, 'close')) as [number];
    expect(seen).toEqual(['first', 'second']);
    expect(code).toBe(4002);
    await (await attached).relay.closed;
    expect(closes).toEqual([{ code: 4002, cause: 'upstream' }]);
  });

  it('ends at once, closing the rack side, when the client socket closed while held', async () => {
    // E.g. the session was revoked while the open event was being written.
    const { rack, front, closes, attached } = await relayBetween({
      beforeAttach: async (inbound) => {
        inbound.terminate();
        await once(inbound, 'close');
      },
    });
    const client = new WebSocket(front.url);
    client.on('error', () => undefined);
    const peer = await rack.next;
    const [peerCode] = (await once(peer, 'close')) as [number];
    expect(peerCode).toBe(1000);
    await (await attached).relay.closed;
    expect(closes).toEqual([{ code: 1006, cause: 'client' }]);
  });
});
