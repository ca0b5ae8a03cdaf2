// The rack proxy's part of THE route guard (access-control.md §10.1-10.4): the catch-all row is
// resolved per request into the matching rack row, which the guard then enforces like any other
// row; cookies are refused, unknown paths are 404 and destructive rows wait for the setting.
import type { FastifyRequest } from 'fastify';
import { ALLOW, type Decision, deny } from '../access/decision.js';
import type { RackRoute } from '../access/rack-routes.js';
import type { GatewayRoute } from '../access/route-types.js';
import type { Config } from '../config/types.js';
import { guardRow, isWebSocketUpgrade, resolveRackTarget } from './rack-target.js';

export interface ProxyResolution {
  /** The rack row as a guard row (permission, MFA level, audit action). */
  readonly row: GatewayRoute;
  readonly rack: RackRoute;
}

/**
 * The Origin of a rack-proxy socket (convox-rack-api.md §5.6.1; identity.md §11): none, or one whose
 * host equals the request's Host or the public host (the native CLI builds it from RACK_URL).
 */
export function createProxySocketOriginCheck(config: Config) {
  const publicHost = config.server.publicUrl.host.toLowerCase();
  return (request: FastifyRequest): Decision => {
    const origin = request.headers.origin;
    if (origin === undefined) return ALLOW;
    let host: string;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      return deny('invalid_origin');
    }
    const requestHost = (request.headers.host ?? '').toLowerCase();
    return host === requestHost || host === publicHost ? ALLOW : deny('invalid_origin');
  };
}

/** Step 1 of §10.1: a browser session cookie never reaches the rack proxy. */
export function refuseCookies(request: FastifyRequest, cookieNames: readonly string[]): Decision {
  return cookieNames.some((n) => request.cookies[n] !== undefined)
    ? deny('cookie_on_cli_route')
    : ALLOW;
}

/** Steps 2-3: normalise and match; unknown paths (and the SDK probes) are 404 `route_not_allowed`. */
export function resolveProxyRoute(
  request: FastifyRequest,
): ProxyResolution | { readonly deny: Decision; readonly probe: boolean } {
  const target = resolveRackTarget(
    request.method,
    request.url,
    isWebSocketUpgrade(request.headers),
  );
  request.rackTarget = target;
  if (target.match === null) return { deny: deny('route_not_allowed'), probe: target.probe };
  return { row: guardRow(target.match.route), rack: target.match.route };
}

/** Step 5: destructive rows are refused while `allow_destructive_actions` is false. */
export function destructiveGuard(rack: RackRoute, allowDestructive: boolean): Decision {
  return rack.destructive && !allowDestructive ? deny('destructive_actions_disabled') : ALLOW;
}
