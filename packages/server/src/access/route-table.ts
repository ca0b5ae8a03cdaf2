// THE route table: who may call what, at which MFA level, under which audit action
// (access-control.md §8-9). Registration refuses any route without a row here.
import { type GatewayRoute, routeKey } from './route-types.js';

const publicRead = (path: string): GatewayRoute => ({
  method: 'GET',
  path,
  permission: 'public',
  mfa: 'none',
  audit: null,
});

/** Site routes and health: public, never audited (access-control.md §9.1, first row). */
const SITE_ROUTES: readonly GatewayRoute[] = [
  publicRead('/api/v1/health'),
  publicRead('/openapi.json'),
  publicRead('/'),
  publicRead('/app'),
  publicRead('/app/*'),
  publicRead('/favicon.ico'),
  publicRead('/robots.txt'),
];

export const GATEWAY_ROUTES: readonly GatewayRoute[] = [...SITE_ROUTES];

const BY_KEY = new Map(GATEWAY_ROUTES.map((r) => [routeKey(r.method, r.path), r]));

export function findGatewayRoute(method: string, path: string): GatewayRoute | undefined {
  return BY_KEY.get(routeKey(method, path));
}
