// Response helpers of the fake gateway: gateway API errors as `{error, message}` JSON, rack-proxy
// errors in the rack format (text, or `{"error","code"}` for Accept: application/json) with the
// gateway's X-Error-Source / X-Error-Reason headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  r: Refusal,
  rackFormat: boolean,
) {
  const headers: Record<string, string> = {
    ...r.headers,
    'X-Error-Source': 'gateway',
    'X-Error-Reason': r.code,
  };
  if (!rackFormat) {
    res.writeHead(r.status, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: r.code, message: r.message }));
    return;
  }
  const json = (req.headers.accept ?? '').includes('application/json');
  res.writeHead(r.status, {
    ...headers,
    'Content-Type': json ? 'application/json' : 'text/plain; charset=utf-8',
  });
  res.end(json ? `${JSON.stringify({ error: r.message, code: r.code })}\n` : `${r.message}\n`);
}

/** A refused WebSocket handshake: a plain HTTP error response on the raw socket. */
export function refuseUpgrade(socket: Duplex, r: Refusal): void {
  const body = `${r.message}\n`;
  const headers = {
    ...r.headers,
    'X-Error-Source': 'gateway',
    'X-Error-Reason': r.code,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  socket.end(
    `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n${body}`,
  );
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
