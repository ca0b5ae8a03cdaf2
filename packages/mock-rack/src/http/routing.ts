// Route resolution (mock-rack.md §2.1, §2.6, §6): the in-scope routes of API §7.1, the mock-only
// routes (object reads, budget, auth) and the known Convox routes the mock does not implement
// (501 after authentication). Unknown paths are 404 without an auth check; a known path with
// another method is 405.
import { matchPath, type PathParams, RACK_ROUTES, type RackRoute } from '@rack-gateway/convox';

export interface MockRoute {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** The §7.1 row when the route is in scope. */
  readonly rack?: RackRoute;
  /** Answered 501 `not implemented by mock rack: …`. */
  readonly unimplemented?: boolean;
}

const EXTRA_ROUTES: readonly MockRoute[] = [
  { id: 'objects.list', method: 'GET', path: '/apps/{app}/objects' },
  { id: 'objects.read', method: 'GET', path: '/apps/{app}/objects/**' },
  { id: 'objects.head', method: 'HEAD', path: '/apps/{app}/objects/**' },
  { id: 'objects.delete', method: 'DELETE', path: '/apps/{app}/objects/**' },
  { id: 'objects.store', method: 'POST', path: '/apps/{app}/objects/**' },
  { id: 'budget.get', method: 'GET', path: '/apps/{app}/budget' },
  { id: 'auth', method: 'GET', path: '/auth' },
];

/** API §7.2 routes (other than the ones above): `*` = any method. */
const UNIMPLEMENTED: readonly (readonly [string, string])[] = [
  ['POST', '/apps/{app}/cancel'],
  ['GET', '/apps/{app}/metrics'],
  ['GET', '/apps/{app}/metrics-by-service'],
  ['GET', '/apps/{app}/diagnose'],
  ['GET', '/apps/{app}/manifest/services/{service}'],
  ['GET', '/apps/{app}/cost'],
  ['POST DELETE', '/apps/{app}/budget'],
  ['*', '/apps/{app}/budget/**'],
  ['GET PUT', '/apps/{app}/configs'],
  ['GET PUT', '/apps/{app}/configs/{name}'],
  ['GET', '/apps/{app}/balancers'],
  ['PUT', '/apps/{app}/ssl/{service}/{port}'],
  ['GET POST', '/certificates'],
  ['GET DELETE', '/certificates/{id}'],
  ['POST', '/certificates/{id}/renew'],
  ['POST', '/certificates/generate'],
  ['GET PUT', '/letsencrypt/config'],
  ['POST', '/events'],
  ['GET POST DELETE', '/apps/{app}/processes/{pid}/files'],
  ['POST', '/apps/{app}/builds/{id}/image'],
  ['GET', '/instances/{id}/shell'],
  ['POST', '/instances/keyroll'],
  ['DELETE', '/instances/{id}'],
  ['*', '/proxy/{host}/{port}'],
  ['*', '/custom/http/proxy/**'],
  ['GET POST', '/registries'],
  ['DELETE', '/registries/{server}'],
  ['*', '/v2/**'],
  ['GET', '/apps/{app}/resources'],
  ['GET PUT', '/apps/{app}/resources/{name}'],
  ['GET', '/apps/{app}/resources/{name}/data'],
  ['GET', '/apps/{app}/resources/{name}/console'],
  ['GET POST', '/resources'],
  ['GET PUT DELETE OPTIONS', '/resources/{name}'],
  ['GET POST', '/resources/{name}/links'],
  ['DELETE', '/resources/{name}/links/{app}'],
  ['GET', '/apps/{app}/services/{service}/metrics'],
  ['POST', '/apps/{app}/services/{service}/scale-override'],
  ['*', '/apps/{app}/services/{service}/triggers/**'],
  ['PUT POST', '/system/jwt/rotate'],
  ['PUT POST', '/system/jwt/token'],
  ['PUT POST', '/system/karpenter/cleanup'],
];

const ROUTES: readonly MockRoute[] = [
  ...RACK_ROUTES.map((r) => ({ id: r.id, method: r.method, path: r.path, rack: r })),
  ...EXTRA_ROUTES,
  ...UNIMPLEMENTED.flatMap(([methods, path]) =>
    methods
      .split(' ')
      .map((method) => ({ id: `unimplemented ${path}`, method, path, unimplemented: true })),
  ),
];

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

function methodMatches(route: MockRoute, method: string, upgrade: boolean): boolean {
  if (route.method === '*') return true;
  if (route.method === 'SOCKET') return method === 'GET';
  return route.method === method && !(upgrade && route.rack?.method === 'SOCKET');
}

/** Resolves a request; socket routes answer GET (with or without an upgrade). */
export function resolve(method: string, segments: readonly string[], upgrade: boolean): Resolution {
  let pathMatched: string | undefined;
  for (const route of ROUTES) {
    const params = matchRoute(route.path, segments);
    if (!params) continue;
    if (methodMatches(route, method, upgrade)) return { kind: 'route', route, params };
    pathMatched ??= route.path;
  }
  return pathMatched ? { kind: 'method-not-allowed', pattern: pathMatched } : { kind: 'unknown' };
}

/** Every route the mock knows, for documentation and coverage tests. */
export function mockRoutes(): readonly MockRoute[] {
  return ROUTES;
}
