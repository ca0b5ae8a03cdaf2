// Route resolution (mock-rack.md §2.1, §2.6, §6): the in-scope routes of API §7.1, the rest of the
// rack's routes (API §7.2, answered with static or cheaply stateful data) and the mock-only routes
// (object reads, auth). Unknown paths are 404 without an auth check; a known path with another
// method is 405. RACK_API_ROUTES, derived from this table, is the rack's whole route list.
import { matchPath, type PathParams, RACK_ROUTES, type RackRoute } from '@rack-gateway/convox';

export interface MockRoute {
  readonly id: string;
  /** An HTTP method, `SOCKET`, or `*` (any method: the proxy prefixes). */
  readonly method: string;
  /** Rack parameter style; a trailing `/**` matches the rest of the path as param `key`. */
  readonly path: string;
  /** The §7.1 row when the route is in scope. */
  readonly rack?: RackRoute;
  /** Served by the mock for tests and the gateway's own reads; not part of the rack's API list. */
  readonly mockOnly?: boolean;
}

const MOCK_ONLY: readonly MockRoute[] = [
  { id: 'objects.list', method: 'GET', path: '/apps/{app}/objects', mockOnly: true },
  { id: 'objects.read', method: 'GET', path: '/apps/{app}/objects/**', mockOnly: true },
  { id: 'objects.head', method: 'HEAD', path: '/apps/{app}/objects/**', mockOnly: true },
  { id: 'objects.delete', method: 'DELETE', path: '/apps/{app}/objects/**', mockOnly: true },
  { id: 'objects.store', method: 'POST', path: '/apps/{app}/objects/**', mockOnly: true },
  { id: 'auth', method: 'GET', path: '/auth', mockOnly: true },
];

const A = '/apps/{app}';
const SVC = `${A}/services/{service}`;

/** API §7.2: the rack's routes beyond §7.1, as [id, method, path]. */
const REST: readonly (readonly [string, string, string])[] = [
  ['budget.get', 'GET', `${A}/budget`],
  ['budget.set', 'POST', `${A}/budget`],
  ['budget.clear', 'DELETE', `${A}/budget`],
  ['budget.shutdown-state', 'GET', `${A}/budget/shutdown-state`],
  ['budget.dismiss-recovery', 'POST', `${A}/budget/dismiss-recovery`],
  ['budget.reset', 'POST', `${A}/budget/reset`],
  ['budget.simulate-shutdown', 'POST', `${A}/budget/simulate-shutdown`],
  ['apps.cancel', 'POST', '/apps/{name}/cancel'],
  ['balancers.list', 'GET', `${A}/balancers`],
  ['configs.list', 'GET', `${A}/configs`],
  ['configs.set', 'PUT', `${A}/configs`],
  ['configs.get', 'GET', `${A}/configs/{name}`],
  ['configs.update', 'PUT', `${A}/configs/{name}`],
  ['apps.cost', 'GET', `${A}/cost`],
  ['apps.diagnose', 'GET', `${A}/diagnose`],
  ['manifest.service', 'GET', `${A}/manifest/services/{service}`],
  ['metrics.by-service', 'GET', `${A}/metrics-by-service`],
  ['metrics.app', 'GET', '/apps/{name}/metrics'],
  ['metrics.service', 'GET', `${SVC}/metrics`],
  ['files.get', 'GET', `${A}/processes/{pid}/files`],
  ['files.put', 'POST', `${A}/processes/{pid}/files`],
  ['files.delete', 'DELETE', `${A}/processes/{pid}/files`],
  ['app-resources.list', 'GET', `${A}/resources`],
  ['app-resources.get', 'GET', `${A}/resources/{name}`],
  ['app-resources.data', 'GET', `${A}/resources/{name}/data`],
  ['app-resources.data-update', 'PUT', `${A}/resources/{name}/data`],
  ['app-resources.console', 'SOCKET', `${A}/resources/{name}/console`],
  ['builds.image', 'POST', `${A}/builds/{id}/image`],
  ['services.scale-override', 'POST', `${SVC}/scale-override`],
  ['services.triggers.disable', 'POST', `${SVC}/triggers/disable`],
  ['services.triggers.enable', 'POST', `${SVC}/triggers/enable`],
  ['services.triggers.threshold', 'POST', `${SVC}/triggers/threshold`],
  ['ssl.update', 'PUT', `${A}/ssl/{service}/{port}`],
  ['certificates.list', 'GET', '/certificates'],
  ['certificates.create', 'POST', '/certificates'],
  ['certificates.generate', 'POST', '/certificates/generate'],
  ['certificates.renew', 'POST', '/certificates/{id}/renew'],
  ['certificates.delete', 'DELETE', '/certificates/{id}'],
  ['registries.list', 'GET', '/registries'],
  ['registries.add', 'POST', '/registries'],
  ['registries.remove', 'DELETE', '/registries/{server}'],
  ['resources.list', 'GET', '/resources'],
  ['resources.create', 'POST', '/resources'],
  ['resources.options', 'OPTIONS', '/resources'],
  ['resources.get', 'GET', '/resources/{name}'],
  ['resources.update', 'PUT', '/resources/{name}'],
  ['resources.delete', 'DELETE', '/resources/{name}'],
  ['resources.link', 'POST', '/resources/{name}/links'],
  ['resources.unlink', 'DELETE', '/resources/{name}/links/{app}'],
  ['instances.keyroll', 'POST', '/instances/keyroll'],
  ['instances.terminate', 'DELETE', '/instances/{id}'],
  ['instances.shell', 'SOCKET', '/instances/{id}/shell'],
  ['proxy', 'SOCKET', '/proxy/{host}/{port}'],
  ['letsencrypt.get', 'GET', '/letsencrypt/config'],
  ['letsencrypt.update', 'PUT', '/letsencrypt/config'],
  ['jwt.token', 'POST', '/system/jwt/token'],
  ['jwt.rotate', 'POST', '/system/jwt/rotate'],
  ['karpenter.cleanup', 'POST', '/system/karpenter/cleanup'],
  ['events.create', 'POST', '/events'],
  ['proxy.custom-http', '*', '/custom/http/proxy/**'],
  ['proxy.registry', '*', '/v2/**'],
];

const ROUTES: readonly MockRoute[] = [
  ...RACK_ROUTES.map((r) => ({ id: r.id, method: r.method, path: r.path, rack: r })),
  ...REST.map(([id, method, path]) => ({ id, method, path })),
  ...MOCK_ONLY,
];

export type RackApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'SOCKET';

export interface RackApiRoute {
  readonly method: RackApiMethod;
  readonly path: string;
}

/** What a `*` (proxy prefix) route is listed as: the methods a route table can name. */
const ANY_METHOD: readonly RackApiMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

/**
 * Every route of the rack's API (method, path in the rack's parameter style; the proxy prefixes as
 * `/…/*`), derived from the table the mock dispatches on: the gateway's route table must have a row
 * for each.
 */
export const RACK_API_ROUTES: readonly RackApiRoute[] = ROUTES.filter((r) => !r.mockOnly).flatMap(
  (r) => {
    const path = r.path.endsWith('/**') ? r.path.slice(0, -1) : r.path;
    const methods = r.method === '*' ? ANY_METHOD : [r.method as RackApiMethod];
    return methods.map((method) => ({ method, path }));
  },
);

export type Resolution =
  | { readonly kind: 'route'; readonly route: MockRoute; readonly params: PathParams }
  | { readonly kind: 'method-not-allowed'; readonly pattern: string }
  | { readonly kind: 'unknown' };

/** Matches `**` (rest of the path, ≥ 1 segment) as param `key`, else defers to matchPath. */
function matchRoute(pattern: string, segments: readonly string[]): PathParams | null {
  if (!pattern.endsWith('/**')) return matchPath(pattern, segments);
  const prefix = pattern.slice(0, -3);
  const count = prefix.split('/').length - 1;
  if (segments.length <= count) return null;
  const params = matchPath(prefix, segments.slice(0, count));
  return params && { ...params, key: segments.slice(count).join('/') };
}

function methodMatches(route: MockRoute, method: string): boolean {
  if (route.method === '*') return true;
  if (route.method === 'SOCKET') return method === 'GET';
  return route.method === method;
}

/** Resolves a request; socket routes answer GET (with or without an upgrade). */
export function resolve(method: string, segments: readonly string[]): Resolution {
  let pathMatched: string | undefined;
  for (const route of ROUTES) {
    const params = matchRoute(route.path, segments);
    if (!params) continue;
    if (methodMatches(route, method)) return { kind: 'route', route, params };
    pathMatched ??= route.path;
  }
  return pathMatched ? { kind: 'method-not-allowed', pattern: pathMatched } : { kind: 'unknown' };
}

/** Every route the mock knows, for documentation and coverage tests. */
export function mockRoutes(): readonly MockRoute[] {
  return ROUTES;
}
