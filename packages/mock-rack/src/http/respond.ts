// Rack responses byte for byte (convox-rack-api.md §3): Go-style JSON, `ok\n`, errors as text or
// compact JSON by Accept, the security headers and a Request-Id; the Date header comes from the
// injected clock so responses are reproducible.
import type { ServerResponse } from 'node:http';
import { formatGoJson, formatGoJsonCompact, type GoJsonValue } from '@rack-gateway/convox';

export type Reply =
  | { readonly kind: 'json'; readonly body: string }
  | { readonly kind: 'ok' }
  | { readonly kind: 'bytes'; readonly body: Buffer; readonly contentType: string }
  | { readonly kind: 'empty'; readonly status: number };

export const TEXT = 'text/plain; charset=utf-8';
export const OCTET = 'application/octet-stream';

export function json(value: GoJsonValue): Reply {
  return { kind: 'json', body: formatGoJson(value) };
}

export const OK: Reply = { kind: 'ok' };

/** Reason phrases where Go's differ from Node's. */
const GO_STATUS_TEXT: Readonly<Record<number, string>> = {
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
};

/** Whether an Accept header lists application/json (parameters ignored, §3.4). */
export function acceptsJson(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => part.split(';')[0]?.trim().toLowerCase() === 'application/json');
}

export interface ResponseMeta {
  /** Epoch ms for the Date header. */
  readonly now: number;
  /** `Request-Id`, or undefined for responses outside authenticated rack routes. */
  readonly requestId: string | undefined;
}

/** Writes status, headers (sorted like Go) and body, then ends the response. */
export function write(
  res: ServerResponse,
  meta: ResponseMeta,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Buffer,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const all: Record<string, string> = {
    'Content-Length': String(bytes.length),
    ...headers,
    Date: new Date(meta.now).toUTCString(),
  };
  if (meta.requestId) {
    all['Request-Id'] = meta.requestId;
    all['X-Content-Type-Options'] = 'nosniff';
    all['X-Frame-Options'] = 'DENY';
  }
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
  res.sendDate = false;
  const text = GO_STATUS_TEXT[status];
  if (text) res.writeHead(status, text, sorted);
  else res.writeHead(status, sorted);
  res.end(bytes);
}

/** An error as a rack writes it: compact JSON for JSON clients, else text with nosniff. */
export function writeError(
  res: ServerResponse,
  meta: ResponseMeta,
  status: number,
  message: string,
  accept: string | undefined,
  extra: Readonly<Record<string, string>> = {},
): void {
  if (acceptsJson(accept)) {
    const body = formatGoJsonCompact({ error: message });
    write(res, meta, status, { 'Content-Type': 'application/json', ...extra }, body);
    return;
  }
  const headers = { 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff', ...extra };
  write(res, meta, status, headers, `${message}\n`);
}

export function writeReply(res: ServerResponse, meta: ResponseMeta, reply: Reply): void {
  switch (reply.kind) {
    case 'json':
      write(res, meta, 200, { 'Content-Type': 'application/json' }, reply.body);
      return;
    case 'ok':
      write(res, meta, 200, { 'Content-Type': TEXT }, 'ok\n');
      return;
    case 'bytes':
      write(res, meta, 200, { 'Content-Type': reply.contentType }, reply.body);
      return;
    case 'empty':
      write(res, meta, reply.status, {}, '');
      return;
  }
}

/** The status a reply is written with (for the request log). */
export function replyStatus(reply: Reply): number {
  return reply.kind === 'empty' ? reply.status : 200;
}
