// The fake gateway's rack proxy: `/api/v1/rack-proxy/*` relayed to a mock rack with the rack's own
// credential, HTTP bodies streamed and WebSocket frames relayed 1:1 (binary EOF frames included).
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MockRack } from '@rack-gateway/mock-rack';
import WebSocket, { WebSocketServer } from 'ws';

export const PROXY_PREFIX = '/api/v1/rack-proxy';
const DROPPED = new Set([
  'host',
  'authorization',
  'connection',
  'upgrade',
  'origin',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'x-mfa-totp',
  'x-mfa-webauthn',
]);

function forwardHeaders(req: IncomingMessage, rack: MockRack): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (!DROPPED.has(k) && typeof v === 'string') out[k] = v;
  out.authorization = `Basic ${Buffer.from(`convox:${rack.password}`).toString('base64')}`;
  return out;
}

export function relayHttp(req: IncomingMessage, res: ServerResponse, rack: MockRack): void {
  const target = (req.url ?? '/').slice(PROXY_PREFIX.length);
  const upstream = request(
    {
      host: '127.0.0.1',
      port: rack.port,
      method: req.method,
      path: target,
      headers: forwardHeaders(req, rack),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    res.writeHead(502, {
      'Content-Type': 'text/plain',
      'X-Error-Source': 'gateway',
      'X-Error-Reason': 'rack_unavailable',
    });
    res.end(`rack unavailable: ${err.message}\n`);
  });
  req.pipe(upstream);
}

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  skipUTF8Validation: true,
});

function closeCode(code: number): number | undefined {
  return code === 1005 || code === 1006 ? undefined : code;
}

function pair(client: WebSocket, upstream: WebSocket): void {
  client.on('message', (data: Buffer, isBinary: boolean) =>
    upstream.send(data, { binary: isBinary }),
  );
  upstream.on('message', (data: Buffer, isBinary: boolean) =>
    client.send(data, { binary: isBinary }),
  );
  client.on('close', (code) => upstream.close(closeCode(code)));
  upstream.on('close', (code) => {
    if (code === 1006) client.terminate();
    else client.close(closeCode(code));
  });
  client.on('error', () => upstream.terminate());
  upstream.on('error', () => client.terminate());
}

export function relayUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  rack: MockRack,
): void {
  const target = (req.url ?? '/').slice(PROXY_PREFIX.length);
  const upstream = new WebSocket(`ws://127.0.0.1:${rack.port}${target}`, {
    headers: forwardHeaders(req, rack),
    origin: `http://127.0.0.1:${rack.port}`,
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  upstream.once('open', () =>
    wss.handleUpgrade(req, socket, head, (client) => pair(client, upstream)),
  );
  upstream.once('unexpected-response', (_r, answer) => {
    socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nX-Error-Source: gateway\r\n\r\n`);
    answer.resume();
  });
  upstream.once('error', () => socket.destroy());
}
