// Maps a web-safe `/convox/*` request onto the rack path its row forwards to (access-control.md
// §9.3): the row's `{x}` placeholders take the request's path parameters in order (re-encoded, so a
// parameter holding `/` is refused like on the proxy), the query is passed on for HTTP reads.
import type { FastifyRequest } from 'fastify';
import type { GatewayRoute } from '../access/route-types.js';
import { RACK_PROXY_PREFIX, type RackTarget, resolveRackTarget } from '../proxy/rack-target.js';

/** The rack path of `forward` with `values` filled in, in order. */
export function fillForward(forward: string, values: readonly string[]): string {
  let i = 0;
  return forward.replace(/\{[a-z]+\}/g, () => encodeURIComponent(values[i++] ?? ''));
}

/** The fastify parameter names of `path`, in order (`/apps/:app/services/:name` → app, name). */
export function paramNames(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}

function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** The rack target of a `/convox/*` request; sockets carry their options as headers, no query. */
export function convoxTarget(request: FastifyRequest, row: GatewayRoute): RackTarget {
  if (row.forward === undefined) throw new Error(`${row.path} has no rack path to forward to`);
  const params = request.params as Record<string, string>;
  const path = fillForward(
    row.forward,
    paramNames(row.path).map((n) => params[n] ?? ''),
  );
  const socket = row.method === 'SOCKET';
  const query = socket ? '' : rawQuery(request.url);
  const method = socket ? 'GET' : row.method;
  return resolveRackTarget(
    method,
    `${RACK_PROXY_PREFIX}${path}${query ? `?${query}` : ''}`,
    socket,
  );
}
