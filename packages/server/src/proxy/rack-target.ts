// Step 2-3 of the rack proxy (access-control.md §10.2): strip the prefix, normalise the path and
// find the rack route row; the row is then enforced by the one route guard like any gateway row.
import { matchRackRoute, type RackMatch, type RackRoute } from '../access/rack-routes.js';
import type { GatewayRoute } from '../access/route-types.js';
import { parseRackPath, type RackPath } from './rack-path.js';

export const RACK_PROXY_PREFIX = '/api/v1/rack-proxy';

export interface RackTarget {
  readonly path: RackPath;
  readonly socket: boolean;
  /** The matched row, or null: not forwarded (404 `route_not_allowed`). */
  readonly match: RackMatch | null;
  /** The convox SDK's throw-away pre-socket probes: 404 and stdout only, never audited. */
  readonly probe: boolean;
}

export function isWebSocketUpgrade(
  headers: Record<string, string | string[] | undefined>,
): boolean {
  return String(headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** `url` is the request URL (with the prefix); throws 400 `invalid_path` for a bad path. */
export function resolveRackTarget(method: string, url: string, socket: boolean): RackTarget {
  const path = parseRackPath(url.slice(RACK_PROXY_PREFIX.length) || '/');
  const effective = socket && method === 'GET' ? 'SOCKET' : method;
  const match = matchRackRoute(effective, path.segments);
  const probe =
    match === null &&
    method === 'GET' &&
    path.segments.length === 1 &&
    ['racks', 'machines'].includes(path.segments[0] ?? '');
  return { path, socket, match, probe };
}

/** The rack row in the shape the route guard enforces (permission, MFA level, audit action). */
export function guardRow(route: RackRoute): GatewayRoute {
  return {
    method: route.method,
    path: `${RACK_PROXY_PREFIX}${route.path}`,
    permission: route.permission,
    mfa: route.mfa,
    audit: route.audit,
  };
}
