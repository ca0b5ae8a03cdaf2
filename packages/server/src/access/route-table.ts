// THE route table: who may call what, at which MFA level, under which audit action
// (access-control.md §8-9). Each domain declares its rows in routes/<domain>.ts; this file joins
// them. Registration refuses any route without a row here.
import type { AuditAction } from '../audit/catalogue.js';
import type { Permission } from './permissions.js';
import { type GatewayRoute, routeKey } from './route-types.js';
import { AUDIT_ROUTES } from './routes/audit.js';
import { AUTH_ROUTES } from './routes/auth.js';
import { CONVOX_ROUTES, RACK_INFO_ROUTES } from './routes/convox.js';
import { MFA_ROUTES } from './routes/mfa.js';
import { RACK_PROXY_ROUTES } from './routes/rack-proxy.js';
import { SITE_ROUTES } from './routes/site.js';
import { TOKEN_ROUTES } from './routes/tokens.js';
import { USER_ROUTES } from './routes/users.js';

export type GatewayRouteEntry = GatewayRoute<Permission, AuditAction>;

export const GATEWAY_ROUTES: readonly GatewayRouteEntry[] = [
  ...SITE_ROUTES,
  ...AUTH_ROUTES,
  ...USER_ROUTES,
  ...TOKEN_ROUTES,
  ...RACK_PROXY_ROUTES,
  ...RACK_INFO_ROUTES,
  ...CONVOX_ROUTES,
  ...AUDIT_ROUTES,
  ...MFA_ROUTES,
] as readonly GatewayRouteEntry[];

const BY_KEY = new Map(GATEWAY_ROUTES.map((r) => [routeKey(r.method, r.path), r]));

export function findGatewayRoute(method: string, path: string): GatewayRouteEntry | undefined {
  return BY_KEY.get(routeKey(method, path));
}
