// A rack WebSocket (convox-rack-api.md §4): text frames carry data both ways, any binary frame is
// EOF, close 1000/1001 is EOF and other codes are errors; the client pings every 5 s. UTF-8 is never
// validated (process output may be arbitrary bytes) and frames are delivered 1:1.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { httpError, RackNetworkError, RackStreamError } from './errors.js';
import { FrameQueue } from './frame-queue.js';

export const PING_INTERVAL_MS = 5_000;
const HANDSHAKE_TIMEOUT_MS = 30_000;

export interface FrameSocketOptions {
  /** `ws://` or `wss://` URL, without query string. */
  readonly url: string;
  /** `http(s)://host[:port]` of the endpoint. */
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly insecureTls?: boolean;
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export class FrameSocket {
  /** Text frames received until EOF; iteration throws RackStreamError on an abnormal end. */
  readonly frames = new FrameQueue<Buffer>();
  private readonly pinger: NodeJS.Timeout;

  private constructor(private readonly ws: WebSocket) {
    this.pinger = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, PING_INTERVAL_MS);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.finish();
      else this.frames.push(data);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearInterval(this.pinger);
      if (code === 1000 || code === 1001) this.frames.end();
      else this.frames.end(new RackStreamError(this.closeMessage(code, reason), code));
    });
    ws.on('error', (err: Error) => {
      this.frames.end(new RackStreamError(`rack connection failed: ${err.message}`));
    });
  }

  private closeMessage(code: number, reason: Buffer): string {
    if (code === 1006) return 'rack connection closed unexpectedly';
    const text = reason.toString('utf8');
    return `rack closed the stream with code ${code}${text ? `: ${text}` : ''}`;
  }

  /** Opens the socket; rejects with a typed HTTP error when the handshake is refused. */
  static open(options: FrameSocketOptions): Promise<FrameSocket> {
    const ws = new WebSocket(options.url, {
      headers: { ...options.headers },
      origin: options.origin,
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      rejectUnauthorized: !options.insecureTls,
      followRedirects: false,
    });
    return new Promise((resolve, reject) => {
      let refused = false;
      ws.once('open', () => resolve(new FrameSocket(ws)));
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        refused = true;
        readBody(res)
          .then(
            (body) => reject(httpError(res.statusCode ?? 500, body, headerRecord(res))),
            (err: Error) =>
              reject(new RackNetworkError(`rack handshake failed: ${err.message}`, err)),
          )
          .finally(() => ws.terminate());
      });
      ws.once('error', (err) => {
        if (!refused) reject(new RackNetworkError(`rack unreachable: ${err.message}`, err));
      });
    });
  }

  /** Sends data as one text frame (bytes are not validated as UTF-8). */
  sendText(data: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: false });
  }

  /** Sends EOF: an empty binary frame. */
  sendEof(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.alloc(0), { binary: true });
  }

  /** EOF received: stop reading and close normally. */
  private finish(): void {
    this.frames.end();
    this.close();
  }

  /** Closes the socket normally (code 1000). */
  close(): void {
    clearInterval(this.pinger);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000);
    this.frames.end();
  }
}
