// WebSocket forwarding (convox-rack-api.md §5.6): frames are relayed 1:1 in both directions without
// UTF-8 validation, binary EOF frames pass as they are, pings keep both hops alive, a side silent
// for too long is closed, and a close on one side closes the other with the same code.
import type { IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import WebSocket from 'ws';
import { GatewayError } from '../http/errors.js';
import { checkPin, type RackTls } from './rack-dispatcher.js';

export const REVOKED_CLOSE_CODE = 4001;

export class UpstreamRefusedError extends GatewayError {
  constructor(
    readonly upstreamStatus: number,
    readonly upstreamBody: string,
  ) {
    const why = upstreamBody.trim().split('\n').pop() ?? '';
    super(502, upstreamStatus === 401 ? 'rack_auth_failed' : 'rack_unavailable', {
      message:
        upstreamStatus === 401
          ? "the rack rejected the gateway's credentials"
          : `the rack refused the connection (${upstreamStatus}): ${why}`,
      expose: true,
    });
  }
}

export interface DialOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly origin: string;
  readonly tls: RackTls;
  readonly handshakeTimeoutMs?: number;
}

/**
 * Opens the rack side of a proxied socket; rejects with the rack's answer when it refuses. The
 * socket is returned paused; relay() resumes it. Pause the client socket too until then.
 */
export function dialUpstream(options: DialOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, {
      headers: options.headers,
      origin: options.origin,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      skipUTF8Validation: true,
      followRedirects: false,
      rejectUnauthorized: options.tls.verify,
      ...(options.tls.ca ? { ca: options.tls.ca } : {}),
    });
    socket.once('upgrade', (res: IncomingMessage) => {
      try {
        checkPin(res.socket, options.tls);
      } catch (err) {
        socket.terminate();
        reject(
          new GatewayError(502, 'rack_unavailable', {
            message: `rack unavailable: ${(err as Error).message}`,
            expose: true,
          }),
        );
      }
    });
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      text(res)
        .catch(() => '')
        .then((body) => reject(new UpstreamRefusedError(res.statusCode ?? 502, body)));
    });
    socket.once('open', () => {
      // Hold frames until relay() has its listeners (the rack may speak first).
      socket.pause();
      resolve(socket);
    });
    socket.once('error', (err) =>
      reject(
        new GatewayError(502, 'rack_unavailable', {
          message: `rack unavailable: ${err.message}`,
          expose: true,
          cause: err,
        }),
      ),
    );
  });
}

export type Direction = 'i' | 'o';
export type CloseCause = 'client' | 'upstream' | 'idle' | 'gateway';

export interface RelayHooks {
  /** Every relayed data frame, in order (exec capture). Must not block. */
  onFrame?(direction: Direction, data: Buffer, isBinary: boolean): void;
  onClose?(info: { code: number; cause: CloseCause }): void;
}

export interface RelayOptions {
  readonly pingIntervalMs?: number;
  readonly idleTimeoutMs?: number;
  /** Bytes queued towards one side above which the other side is no longer read. */
  readonly highWaterBytes?: number;
}

const DEFAULT_HIGH_WATER = 1024 * 1024;

export interface Relay {
  /** Ends the session from the gateway: optional in-band message, EOF, then close both sides. */
  terminate(code: number, message?: string): void;
  readonly closed: Promise<void>;
}

const asBuffer = (data: WebSocket.RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

function safeClose(socket: WebSocket, code: number): void {
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
    // 1005 (no status) and 1006 (abnormal) may not be sent on the wire.
    socket.close(code === 1005 || code === 1006 ? 1000 : code);
  }
}

export function relay(
  client: WebSocket,
  upstream: WebSocket,
  hooks: RelayHooks = {},
  options: RelayOptions = {},
): Relay {
  let done = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const lastHeard = new Map<WebSocket, number>([
    [client, Date.now()],
    [upstream, Date.now()],
  ]);
  const finish = (code: number, cause: CloseCause): void => {
    if (done) return;
    done = true;
    clearInterval(pinger);
    safeClose(client, code);
    safeClose(upstream, code);
    hooks.onClose?.({ code, cause });
    resolveClosed();
  };
  const pipe = (from: WebSocket, to: WebSocket, direction: Direction): void => {
    from.on('message', (data, isBinary) => {
      lastHeard.set(from, Date.now());
      const buf = asBuffer(data);
      hooks.onFrame?.(direction, buf, isBinary);
      if (to.readyState !== WebSocket.OPEN) return;
      if (to.bufferedAmount + buf.length < highWater) return to.send(buf, { binary: isBinary });
      // Backpressure: a side that writes faster than the other reads waits in its TCP window
      // until this frame is handed to the slower side's socket.
      from.pause();
      to.send(buf, { binary: isBinary }, () => {
        if (!done) from.resume();
      });
    });
    from.on('pong', () => lastHeard.set(from, Date.now()));
    from.on('ping', () => lastHeard.set(from, Date.now()));
    from.on('close', (code) => finish(code, direction === 'i' ? 'client' : 'upstream'));
    from.on('error', () => finish(1011, direction === 'i' ? 'client' : 'upstream'));
  };
  const highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER;
  pipe(client, upstream, 'i');
  pipe(upstream, client, 'o');
  const idleTimeout = options.idleTimeoutMs ?? 90_000;
  const pinger = setInterval(() => {
    for (const [socket, heard] of lastHeard) {
      if (Date.now() - heard > idleTimeout) return finish(1001, 'idle');
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  client.resume();
  upstream.resume();
  // A side that went away while held (before these listeners) never emits 'close' again.
  if (client.readyState === WebSocket.CLOSED) finish(1006, 'client');
  else if (upstream.readyState === WebSocket.CLOSED) finish(1006, 'upstream');
  return {
    closed,
    terminate(code: number, message?: string) {
      if (done) return;
      if (client.readyState === WebSocket.OPEN) {
        if (message !== undefined)
          client.send(Buffer.from(`ERROR: ${message}\n`), { binary: false });
        client.send(Buffer.alloc(0), { binary: true });
      }
      finish(code, 'gateway');
    },
  };
}
