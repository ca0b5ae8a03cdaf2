// Gateway-originated errors on the rack proxy (convox-rack-api.md §5.5): the rack's error format
// (plain text, or JSON when the client accepts it), never an empty body, always marked with
// X-Error-Source: gateway and an X-Error-Reason code.

import { EXIT_MARKER } from '@rack-gateway/convox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type WebSocket from 'ws';
import { mapError } from '../http/error-mapper.js';

export interface ProxyErrorBody {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra JSON fields (`permission`, `mfa_level`) for clients that accept JSON. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export function wantsJson(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => part.split(';')[0]?.trim().toLowerCase() === 'application/json');
}

export function proxyErrorOf(err: unknown, requestId: string): ProxyErrorBody {
  const mapped = mapError(err, requestId);
  const { error, message, ...extra } = mapped.body;
  return {
    status: mapped.status,
    reason: error,
    message: message || error,
    headers: mapped.headers,
    extra,
  };
}

export function sendProxyError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
): FastifyReply {
  const e = proxyErrorOf(err, request.id);
  if (e.status >= 500 && e.reason === 'internal_error')
    request.log.error({ err }, 'rack proxy failed');
  reply
    .code(e.status)
    .headers(e.headers)
    .header('x-error-source', 'gateway')
    .header('x-error-reason', e.reason);
  reply.header('cache-control', 'no-store');
  if (wantsJson(request.headers.accept)) {
    return reply
      .type('application/json')
      .send(`${JSON.stringify({ error: e.message, code: e.reason, ...e.extra })}\n`);
  }
  return reply
    .type('text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(`${e.message}\n`);
}

/** The native convox CLI only prints in-band errors on sockets (convox-rack-api.md §5.6.2). */
export function isNativeConvoxClient(userAgent: string | undefined): boolean {
  return (userAgent ?? '').startsWith('convox.go/');
}

/** In-band refusal: `ERROR: <message>`, the exit trailer 1 on exec sockets, EOF, close 1000. */
export function refuseInBand(socket: WebSocket, message: string, exec: boolean): void {
  socket.send(Buffer.from(`ERROR: ${message}\n`), { binary: false });
  if (exec) socket.send(Buffer.from(`${EXIT_MARKER}:1\n`), { binary: false });
  socket.send(Buffer.alloc(0), { binary: true });
  socket.close(1000);
}
