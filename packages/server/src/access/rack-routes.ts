// The rack route table (access-control.md §10.3): every rack path the gateway forwards, with its
// permission, MFA level and audit action. First match wins; anything unmatched is denied (404).
// Rows 1-34 are the spec's; rows 35+ cover the rest of the rack API (issue 11): secrets-bearing
// and rack-wide administration rows are admin-only (no role holds their permission) with MFA
// `always`, and irreversible ones are `destructive`.
import type { AuditAction } from '../audit/catalogue.js';
import type { Permission } from './permissions.js';
import { EXTENDED_ROWS } from './rack-routes-extended.js';
import type { MfaLevel } from './route-types.js';

export type RackMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'SOCKET';

export interface RackRoute {
  /** Row number of access-control.md §10.3 (row 32 has one row per path). */
  readonly row: number;
  readonly method: RackMethod;
  /**
   * Path pattern; `{x}` is exactly one segment, `{x}.tgz` one segment ending in `.tgz`, and a last
   * segment `*` one or more further segments (the rack's pass-through prefixes).
   */
  readonly path: string;
  readonly permission: Permission;
  readonly mfa: MfaLevel;
  readonly audit: AuditAction;
  /** Refused while the `allow_destructive_actions` setting is false. */
  readonly destructive?: true;
  /** Whether forwarding must wait for a durable audit event (non-GET and every exec socket). */
  readonly mutation: boolean;
}

export type Row = Omit<RackRoute, 'mutation'>;

export const r = (
  row: number,
  method: RackMethod,
  path: string,
  permission: Permission,
  mfa: MfaLevel,
  audit: AuditAction,
  destructive?: true,
): Row => ({ row, method, path, permission, mfa, audit, ...(destructive ? { destructive } : {}) });

const ROWS: readonly Row[] = [
  r(1, 'GET', '/apps', 'convox:app:list', 'none', 'app.list'),
  r(2, 'POST', '/apps', 'convox:app:create', 'step_up', 'app.create'),
  r(3, 'GET', '/apps/{app}', 'convox:app:read', 'none', 'app.read'),
  r(4, 'PUT', '/apps/{app}', 'convox:app:update', 'step_up', 'app.update'),
  r(5, 'DELETE', '/apps/{app}', 'convox:app:delete', 'always', 'app.delete', true),
  r(6, 'POST', '/apps/{app}/restart', 'convox:app:restart', 'step_up', 'app.restart'),
  r(7, 'GET', '/apps/{app}/services', 'convox:app:read', 'none', 'app.read'),
  r(8, 'PUT', '/apps/{app}/services/{service}', 'convox:app:update', 'step_up', 'app.update'),
  r(
    9,
    'POST',
    '/apps/{app}/services/{service}/restart',
    'convox:process:start',
    'step_up',
    'process.start',
  ),
  r(
    10,
    'POST',
    '/apps/{app}/services/{service}/processes',
    'convox:process:start',
    'step_up',
    'process.start',
  ),
  r(11, 'SOCKET', '/apps/{app}/services/{service}/logs', 'convox:log:read', 'none', 'log.read'),
  r(12, 'GET', '/apps/{app}/processes', 'convox:process:list', 'none', 'process.list'),
  r(13, 'GET', '/apps/{app}/processes/{pid}', 'convox:process:read', 'none', 'process.read'),
  r(
    14,
    'DELETE',
    '/apps/{app}/processes/{pid}',
    'convox:process:terminate',
    'step_up',
    'process.terminate',
  ),
  r(
    15,
    'SOCKET',
    '/apps/{app}/processes/{pid}/exec',
    'convox:process:exec',
    'step_up',
    'process.exec.open',
  ),
  r(16, 'SOCKET', '/apps/{app}/processes/{pid}/logs', 'convox:log:read', 'none', 'log.read'),
  r(17, 'SOCKET', '/apps/{app}/logs', 'convox:log:read', 'none', 'log.read'),
  r(18, 'GET', '/apps/{app}/builds', 'convox:build:list', 'none', 'build.list'),
  r(19, 'POST', '/apps/{app}/builds', 'convox:build:create', 'step_up', 'build.create'),
  r(20, 'POST', '/apps/{app}/builds/import', 'convox:build:create', 'step_up', 'build.import'),
  r(21, 'GET', '/apps/{app}/builds/{id}.tgz', 'convox:build:read', 'none', 'build.read'),
  r(22, 'GET', '/apps/{app}/builds/{id}', 'convox:build:read', 'none', 'build.read'),
  r(23, 'PUT', '/apps/{app}/builds/{id}', 'convox:build:update', 'step_up', 'build.update'),
  r(24, 'SOCKET', '/apps/{app}/builds/{id}/logs', 'convox:log:read', 'none', 'log.read'),
  r(25, 'GET', '/apps/{app}/releases', 'convox:release:list', 'none', 'release.list'),
  r(26, 'POST', '/apps/{app}/releases', 'convox:release:create', 'step_up', 'release.create'),
  r(27, 'GET', '/apps/{app}/releases/{id}', 'convox:release:read', 'none', 'release.read'),
  r(
    28,
    'POST',
    '/apps/{app}/releases/{id}/promote',
    'convox:release:promote',
    'step_up',
    'release.promote',
  ),
  // Step-up like the build it feeds, so `convox deploy` and `build` are refused before the source
  // upload rather than after it (issue 11, finding 3).
  r(
    29,
    'POST',
    '/apps/{app}/objects/tmp/{name}',
    'convox:object:create',
    'step_up',
    'object.create',
  ),
  r(30, 'GET', '/instances', 'convox:instance:list', 'none', 'instance.list'),
  r(31, 'GET', '/instances/{id}', 'convox:instance:read', 'none', 'instance.read'),
  r(32, 'GET', '/system', 'convox:rack:read', 'none', 'rack.read'),
  r(32, 'GET', '/system/capacity', 'convox:rack:read', 'none', 'rack.read'),
  r(32, 'GET', '/system/metrics', 'convox:rack:read', 'none', 'rack.read'),
  r(32, 'GET', '/system/processes', 'convox:rack:read', 'none', 'rack.read'),
  r(32, 'GET', '/system/releases', 'convox:rack:read', 'none', 'rack.read'),
  r(33, 'PUT', '/system', 'convox:rack:update', 'step_up', 'rack.update'),
  r(34, 'SOCKET', '/system/logs', 'convox:log:read', 'none', 'log.read'),
  ...EXTENDED_ROWS,
];

/** GET and OPTIONS read; of the sockets only exec is a mutation (it starts a command). */
export const RACK_ROUTES: readonly RackRoute[] = ROWS.map((row) => ({
  ...row,
  mutation: !['GET', 'OPTIONS', 'SOCKET'].includes(row.method) || row.audit === 'process.exec.open',
}));

export interface RackMatch {
  readonly route: RackRoute;
  /** Named segments, e.g. `{ app: 'storefront', pid: 'web-1' }` (decoded). */
  readonly params: Readonly<Record<string, string>>;
}

function matchSegment(pattern: string, segment: string, params: Record<string, string>): boolean {
  const named = /^\{([a-z]+)\}(.*)$/.exec(pattern);
  if (named === null) return pattern === segment;
  const [, name = '', suffix = ''] = named;
  if (!segment.endsWith(suffix) || segment.length <= suffix.length) return false;
  params[name] = segment.slice(0, segment.length - suffix.length);
  return true;
}

function matchPath(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | null {
  const prefix = pattern.at(-1) === '*';
  const fixed = prefix ? pattern.slice(0, -1) : pattern;
  if (prefix ? segments.length <= fixed.length : segments.length !== fixed.length) return null;
  const params: Record<string, string> = {};
  if (!fixed.every((p, i) => matchSegment(p, segments[i] ?? '', params))) return null;
  return params;
}

/** Finds the first row matching `method` (`SOCKET` for upgrades) and the decoded `segments`. */
export function matchRackRoute(method: string, segments: readonly string[]): RackMatch | null {
  for (const route of RACK_ROUTES) {
    if (route.method !== method) continue;
    const params = matchPath(route.path.split('/').slice(1), segments);
    if (params !== null) return { route, params };
  }
  return null;
}
