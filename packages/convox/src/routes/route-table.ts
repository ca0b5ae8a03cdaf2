// The in-scope rack routes (convox-rack-api.md §7.1) as data: method, path pattern and where each
// option travels. The client's methods are built on these rows, the mock rack routes with them and
// the contract tests check that every row is exercised.
import type { OptionKind, OptionSpec, OptionSpecs } from './options.js';

export type RackMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'SOCKET';

export interface RackRoute {
  /** Stable name, used by the client, the mock and the contract-test coverage check. */
  readonly id: string;
  /** Row number of convox-rack-api.md §7.1 (row 32 has several paths). */
  readonly row: number;
  readonly method: RackMethod;
  /** Pattern with `{name}` segments (`{id}.tgz` matches a segment ending in `.tgz`). */
  readonly path: string;
  readonly form?: OptionSpecs;
  readonly query?: OptionSpecs;
  readonly headers?: OptionSpecs;
  /** The request body is raw bytes (object upload, build import). */
  readonly rawBody?: boolean;
}

function opt<K extends OptionKind>(wire: string, kind: K): OptionSpec & { readonly kind: K } {
  return { wire, kind };
}

/** The logs option set (†): always handshake headers. */
export const LOG_OPTIONS = {
  filter: opt('Filter', 'string'),
  follow: opt('Follow', 'bool'),
  maxLogRequests: opt('Maxlogrequests', 'int'),
  prefix: opt('Prefix', 'bool'),
  since: opt('Since', 'duration'),
  previous: opt('Previous', 'bool'),
  tail: opt('Tail', 'int'),
} as const;

export const EXEC_OPTIONS = {
  command: opt('Command', 'string'),
  entrypoint: opt('Entrypoint', 'bool'),
  height: opt('Height', 'int'),
  width: opt('Width', 'int'),
  tty: opt('Tty', 'bool'),
  disableStdin: opt('Disable-Stdin', 'bool'),
} as const;

export const PROCESS_RUN_OPTIONS = {
  command: opt('Command', 'string'),
  release: opt('Release', 'string'),
  height: opt('Height', 'int'),
  width: opt('Width', 'int'),
  cpu: opt('Cpu', 'int'),
  cpuLimit: opt('Cpu-Limit', 'int'),
  memory: opt('Memory', 'int'),
  memoryLimit: opt('Memory-Limit', 'int'),
  gpu: opt('Gpu', 'int'),
  gpuVendor: opt('Gpu-Vendor', 'string'),
  useServiceVolume: opt('Use-Service-Volume', 'bool'),
  nodeLabels: opt('Node-Labels', 'string'),
  systemCritical: opt('System-Critical', 'bool'),
} as const;

export const APP_CREATE_OPTIONS = {
  name: opt('name', 'string'),
  generation: opt('generation', 'string'),
  timeout: opt('timeout', 'int'),
} as const;

export const APP_UPDATE_OPTIONS = {
  lock: opt('lock', 'bool'),
  parameters: opt('parameters', 'map'),
} as const;

export const SERVICE_UPDATE_OPTIONS = {
  count: opt('count', 'int'),
  cpu: opt('cpu', 'int'),
  memory: opt('memory', 'int'),
  gpu: opt('gpu', 'int'),
  gpuVendor: opt('gpu-vendor', 'string'),
  min: opt('min', 'int'),
  max: opt('max', 'int'),
} as const;

export const PROCESS_LIST_OPTIONS = {
  service: opt('service', 'string'),
  release: opt('release', 'string'),
} as const;

export const LIMIT_OPTIONS = { limit: opt('limit', 'int') } as const;

export const BUILD_CREATE_OPTIONS = {
  url: opt('url', 'string'),
  description: opt('description', 'string'),
  manifest: opt('manifest', 'string'),
  noCache: opt('no-cache', 'bool'),
  development: opt('development', 'bool'),
  buildArgs: opt('build-args', 'list'),
  wildcardDomain: opt('wildcard-domain', 'bool'),
  gitSha: opt('git-sha', 'string'),
} as const;

export const BUILD_UPDATE_OPTIONS = {
  ended: opt('ended', 'time'),
  entrypoint: opt('entrypoint', 'string'),
  logs: opt('logs', 'string'),
  manifest: opt('manifest', 'string'),
  release: opt('release', 'string'),
  started: opt('started', 'time'),
  status: opt('status', 'string'),
} as const;

export const RELEASE_CREATE_OPTIONS = {
  build: opt('build', 'string'),
  description: opt('description', 'string'),
  env: opt('env', 'string'),
  parentRelease: opt('parent-release', 'string'),
} as const;

export const RELEASE_PROMOTE_OPTIONS = {
  force: opt('force', 'bool'),
  development: opt('development', 'bool'),
  idle: opt('idle', 'bool'),
  min: opt('min', 'int'),
  max: opt('max', 'int'),
  timeout: opt('timeout', 'int'),
} as const;

export const OBJECT_OPTIONS = { public: opt('Public', 'bool') } as const;

export const SYSTEM_PROCESSES_OPTIONS = { all: opt('all', 'bool') } as const;

export const SYSTEM_UPDATE_OPTIONS = {
  count: opt('count', 'int'),
  force: opt('force', 'bool'),
  parameters: opt('parameters', 'map'),
  type: opt('type', 'string'),
  version: opt('version', 'string'),
} as const;

const APP = '/apps/{app}';

export const RACK_ROUTES = [
  { id: 'apps.list', row: 1, method: 'GET', path: '/apps' },
  { id: 'apps.create', row: 2, method: 'POST', path: '/apps', form: APP_CREATE_OPTIONS },
  { id: 'apps.get', row: 3, method: 'GET', path: APP },
  { id: 'apps.update', row: 4, method: 'PUT', path: APP, form: APP_UPDATE_OPTIONS },
  { id: 'apps.delete', row: 5, method: 'DELETE', path: APP },
  { id: 'apps.restart', row: 6, method: 'POST', path: `${APP}/restart` },
  { id: 'services.list', row: 7, method: 'GET', path: `${APP}/services` },
  {
    id: 'services.update',
    row: 8,
    method: 'PUT',
    path: `${APP}/services/{service}`,
    form: SERVICE_UPDATE_OPTIONS,
  },
  { id: 'services.restart', row: 9, method: 'POST', path: `${APP}/services/{service}/restart` },
  {
    id: 'processes.run',
    row: 10,
    method: 'POST',
    path: `${APP}/services/{service}/processes`,
    headers: PROCESS_RUN_OPTIONS,
  },
  {
    id: 'logs.service',
    row: 11,
    method: 'SOCKET',
    path: `${APP}/services/{service}/logs`,
    headers: LOG_OPTIONS,
  },
  {
    id: 'processes.list',
    row: 12,
    method: 'GET',
    path: `${APP}/processes`,
    query: PROCESS_LIST_OPTIONS,
  },
  { id: 'processes.get', row: 13, method: 'GET', path: `${APP}/processes/{pid}` },
  { id: 'processes.stop', row: 14, method: 'DELETE', path: `${APP}/processes/{pid}` },
  {
    id: 'processes.exec',
    row: 15,
    method: 'SOCKET',
    path: `${APP}/processes/{pid}/exec`,
    headers: EXEC_OPTIONS,
  },
  {
    id: 'logs.process',
    row: 16,
    method: 'SOCKET',
    path: `${APP}/processes/{pid}/logs`,
    headers: LOG_OPTIONS,
  },
  { id: 'logs.app', row: 17, method: 'SOCKET', path: `${APP}/logs`, headers: LOG_OPTIONS },
  { id: 'builds.list', row: 18, method: 'GET', path: `${APP}/builds`, query: LIMIT_OPTIONS },
  {
    id: 'builds.create',
    row: 19,
    method: 'POST',
    path: `${APP}/builds`,
    form: BUILD_CREATE_OPTIONS,
  },
  { id: 'builds.import', row: 20, method: 'POST', path: `${APP}/builds/import`, rawBody: true },
  { id: 'builds.export', row: 21, method: 'GET', path: `${APP}/builds/{id}.tgz` },
  { id: 'builds.get', row: 22, method: 'GET', path: `${APP}/builds/{id}` },
  {
    id: 'builds.update',
    row: 23,
    method: 'PUT',
    path: `${APP}/builds/{id}`,
    form: BUILD_UPDATE_OPTIONS,
  },
  {
    id: 'logs.build',
    row: 24,
    method: 'SOCKET',
    path: `${APP}/builds/{id}/logs`,
    headers: LOG_OPTIONS,
  },
  { id: 'releases.list', row: 25, method: 'GET', path: `${APP}/releases`, query: LIMIT_OPTIONS },
  {
    id: 'releases.create',
    row: 26,
    method: 'POST',
    path: `${APP}/releases`,
    form: RELEASE_CREATE_OPTIONS,
  },
  { id: 'releases.get', row: 27, method: 'GET', path: `${APP}/releases/{id}` },
  {
    id: 'releases.promote',
    row: 28,
    method: 'POST',
    path: `${APP}/releases/{id}/promote`,
    form: RELEASE_PROMOTE_OPTIONS,
  },
  {
    id: 'objects.upload',
    row: 29,
    method: 'POST',
    path: `${APP}/objects/tmp/{name}`,
    headers: OBJECT_OPTIONS,
    rawBody: true,
  },
  { id: 'instances.list', row: 30, method: 'GET', path: '/instances' },
  { id: 'instances.get', row: 31, method: 'GET', path: '/instances/{id}' },
  { id: 'system.get', row: 32, method: 'GET', path: '/system' },
  { id: 'system.capacity', row: 32, method: 'GET', path: '/system/capacity' },
  { id: 'system.metrics', row: 32, method: 'GET', path: '/system/metrics' },
  {
    id: 'system.processes',
    row: 32,
    method: 'GET',
    path: '/system/processes',
    query: SYSTEM_PROCESSES_OPTIONS,
  },
  { id: 'system.releases', row: 32, method: 'GET', path: '/system/releases' },
  { id: 'system.update', row: 33, method: 'PUT', path: '/system', form: SYSTEM_UPDATE_OPTIONS },
  { id: 'logs.system', row: 34, method: 'SOCKET', path: '/system/logs', headers: LOG_OPTIONS },
] as const satisfies readonly RackRoute[];

export type RackRouteId = (typeof RACK_ROUTES)[number]['id'];

/** The route row for an id. */
export function rackRoute<I extends RackRouteId>(
  id: I,
): Extract<(typeof RACK_ROUTES)[number], { id: I }> {
  const found = RACK_ROUTES.find((r) => r.id === id);
  if (!found) throw new Error(`unknown rack route ${id}`);
  return found as Extract<(typeof RACK_ROUTES)[number], { id: I }>;
}
