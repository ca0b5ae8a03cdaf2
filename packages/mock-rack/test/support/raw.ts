// Raw HTTP and WebSocket access to a mock rack, so tests see exact statuses, headers, bodies and
// frames (no client library interpreting them).
import { request } from 'node:http';
import { basicAuthorization } from '@rack-gateway/convox';
import WebSocket from 'ws';
import {
  createManualClock,
  type ManualClock,
  type MockRack,
  startMockRack,
} from '../../src/index.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface Fixture {
  readonly mock: MockRack;
  readonly clock: ManualClock;
  readonly auth: string;
}

export async function startFixture(seed = 1): Promise<Fixture> {
  const clock = createManualClock();
  const mock = await startMockRack({ port: 0, clock, timings: 'instant', seed });
  return { mock, clock, auth: basicAuthorization('convox', mock.password) };
}

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export function raw(mock: MockRack, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: mock.port,
        agent: false,
        method: req.method ?? 'GET',
        path: req.path,
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** An authenticated request with the convox client's default headers. */
export function rack(f: Fixture, req: RawRequest): Promise<RawResponse> {
  const headers = {
    Authorization: f.auth,
    'Content-Type': 'application/octet-stream',
    ...req.headers,
  };
  return raw(f.mock, { ...req, headers });
}

export function form(f: Fixture, method: string, path: string, body: string): Promise<RawResponse> {
  return rack(f, {
    method,
    path,
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

export interface Frame {
  readonly binary: boolean;
  readonly data: Buffer;
}

export interface RawSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[];
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<number>;
}

export async function socket(f: Fixture, path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${f.mock.port}${path}`, {
    headers: { Authorization: f.auth, ...headers },
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ binary, data }));
  const closed = new Promise<number>((resolve) => {
    ws.on('close', (code) => resolve(code));
    ws.on('error', () => resolve(1006));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', () => reject(new Error('handshake refused')));
    ws.once('error', reject);
  });
  return { ws, frames, closed } satisfies RawSocket;
}

/** Frames as strings, with `<EOF>` for a binary frame. */
export function frameTexts(frames: readonly Frame[]): string[] {
  return frames.map((fr) => (fr.binary ? `<EOF:${fr.data.length}>` : fr.data.toString('utf8')));
}

/** Waits until a predicate holds, re-checking after each tick of the event loop. */
export async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}
