// The rack's JSON objects (convox-rack-api.md §6) as TS types, with their wire schemas. Property
// names are camelCase; each schema maps them to the wire names in wire order.
import type { RackTime } from '../wire/rack-time.js';
import type { JsonValue, ObjectSchema, ServicePort } from './schema.js';

export interface App {
  /** `"3"` on v3 racks; omitted from the wire when empty. */
  readonly generation: string;
  readonly locked: boolean;
  readonly name: string;
  /** Current release id, `""` if none. */
  readonly release: string;
  readonly router: string;
  /** `running`, `updating`, `rollback`, `deleting`, `unknown`. */
  readonly status: string;
  /** Present only when a budget is set (null otherwise). */
  readonly budget: JsonValue;
  readonly parameters: Readonly<Record<string, string>>;
}

export const APP_SCHEMA: ObjectSchema<App> = {
  generation: { json: 'generation', kind: 'string', omitEmpty: true },
  locked: { json: 'locked', kind: 'bool' },
  name: { json: 'name', kind: 'string' },
  release: { json: 'release', kind: 'string' },
  router: { json: 'router', kind: 'string' },
  status: { json: 'status', kind: 'string' },
  budget: { json: 'budget', kind: 'json', omitEmpty: true },
  parameters: { json: 'parameters', kind: 'map' },
};

export interface Build {
  readonly id: string;
  readonly app: string;
  readonly description: string;
  readonly entrypoint: string;
  readonly gitSha: string;
  readonly logs: string;
  readonly manifest: string;
  readonly process: string;
  /** `""` until the build is complete. */
  readonly release: string;
  readonly reason: string;
  readonly repository: string;
  /** `created`, `running`, `complete`, `failed`. */
  readonly status: string;
  readonly started: RackTime;
  /** RackTime.ZERO while not finished. */
  readonly ended: RackTime;
}

export const BUILD_SCHEMA: ObjectSchema<Build> = {
  id: { json: 'id', kind: 'string' },
  app: { json: 'app', kind: 'string' },
  description: { json: 'description', kind: 'string' },
  entrypoint: { json: 'entrypoint', kind: 'string' },
  gitSha: { json: 'git-sha', kind: 'string' },
  logs: { json: 'logs', kind: 'string' },
  manifest: { json: 'manifest', kind: 'string' },
  process: { json: 'process', kind: 'string' },
  release: { json: 'release', kind: 'string' },
  reason: { json: 'reason', kind: 'string' },
  repository: { json: 'repository', kind: 'string' },
  status: { json: 'status', kind: 'string' },
  started: { json: 'started', kind: 'time' },
  ended: { json: 'ended', kind: 'time' },
};

export interface Release {
  readonly id: string;
  readonly app: string;
  readonly build: string;
  /** `KEY=VALUE` lines, sorted, joined by `\n`, no trailing newline. */
  readonly env: string;
  readonly manifest: string;
  readonly description: string;
  readonly created: RackTime;
}

export const RELEASE_SCHEMA: ObjectSchema<Release> = {
  id: { json: 'id', kind: 'string' },
  app: { json: 'app', kind: 'string' },
  build: { json: 'build', kind: 'string' },
  env: { json: 'env', kind: 'string' },
  manifest: { json: 'manifest', kind: 'string' },
  description: { json: 'description', kind: 'string' },
  created: { json: 'created', kind: 'time' },
};

export interface Process {
  readonly id: string;
  readonly app: string;
  readonly command: string;
  readonly cpu: number;
  readonly gpu: number;
  /** Pod IP. */
  readonly host: string;
  readonly image: string;
  /** Node name. */
  readonly instance: string;
  readonly memory: number;
  /** The service. */
  readonly name: string;
  /** `"3000"` or `"80:3000"`; null when none. */
  readonly ports: readonly string[] | null;
  readonly release: string;
  readonly started: RackTime;
  readonly status: string;
  readonly service: string;
}

export const PROCESS_SCHEMA: ObjectSchema<Process> = {
  id: { json: 'id', kind: 'string' },
  app: { json: 'app', kind: 'string' },
  command: { json: 'command', kind: 'string' },
  cpu: { json: 'cpu', kind: 'number' },
  gpu: { json: 'gpu', kind: 'number' },
  host: { json: 'host', kind: 'string' },
  image: { json: 'image', kind: 'string' },
  instance: { json: 'instance', kind: 'string' },
  memory: { json: 'memory', kind: 'number' },
  name: { json: 'name', kind: 'string' },
  ports: { json: 'ports', kind: 'strings' },
  release: { json: 'release', kind: 'string' },
  started: { json: 'started', kind: 'time' },
  status: { json: 'status', kind: 'string' },
  service: { json: 'service', kind: 'string', omitEmpty: true },
};

export interface Service {
  readonly count: number;
  /** Millicores. */
  readonly cpu: number;
  readonly domain: string;
  readonly gpu: number;
  readonly gpuVendor: string;
  /** MiB. */
  readonly memory: number;
  readonly name: string;
  /** Network load-balancer ports as sent by the rack; null when none. */
  readonly nlb: JsonValue;
  readonly ports: readonly ServicePort[];
  readonly min: number;
  readonly max: number;
  readonly coldStart: boolean;
  /** Present only when autoscaling is enabled (null otherwise). */
  readonly autoscale: JsonValue;
}

export const SERVICE_SCHEMA: ObjectSchema<Service> = {
  count: { json: 'count', kind: 'number' },
  cpu: { json: 'cpu', kind: 'number' },
  domain: { json: 'domain', kind: 'string' },
  gpu: { json: 'gpu', kind: 'number' },
  gpuVendor: { json: 'gpu-vendor', kind: 'string' },
  memory: { json: 'memory', kind: 'number' },
  name: { json: 'name', kind: 'string' },
  nlb: { json: 'nlb', kind: 'json' },
  ports: { json: 'ports', kind: 'ports' },
  min: { json: 'min', kind: 'number' },
  max: { json: 'max', kind: 'number' },
  coldStart: { json: 'cold-start', kind: 'bool', omitEmpty: true },
  autoscale: { json: 'autoscale', kind: 'json', omitEmpty: true },
};

export interface Instance {
  readonly agent: boolean;
  readonly cpu: number;
  readonly cpuCapacity: number;
  readonly cpuAllocatable: number;
  readonly gpuCapacity: number;
  readonly gpuAllocatable: number;
  /** Node name. */
  readonly id: string;
  readonly memory: number;
  readonly memoryCapacity: number;
  readonly memoryAllocatable: number;
  readonly privateIp: string;
  readonly processes: number;
  readonly publicIp: string;
  readonly status: string;
  readonly started: RackTime;
}

export const INSTANCE_SCHEMA: ObjectSchema<Instance> = {
  agent: { json: 'agent', kind: 'bool' },
  cpu: { json: 'cpu', kind: 'number' },
  cpuCapacity: { json: 'cpu-capacity', kind: 'number' },
  cpuAllocatable: { json: 'cpu-allocatable', kind: 'number' },
  gpuCapacity: { json: 'gpu-capacity', kind: 'number' },
  gpuAllocatable: { json: 'gpu-allocatable', kind: 'number' },
  id: { json: 'id', kind: 'string' },
  memory: { json: 'memory', kind: 'number' },
  memoryCapacity: { json: 'memory-capacity', kind: 'number' },
  memoryAllocatable: { json: 'memory-allocatable', kind: 'number' },
  privateIp: { json: 'private-ip', kind: 'string' },
  processes: { json: 'processes', kind: 'number' },
  publicIp: { json: 'public-ip', kind: 'string' },
  status: { json: 'status', kind: 'string' },
  started: { json: 'started', kind: 'time' },
};

export interface System {
  readonly count: number;
  readonly domain: string;
  readonly name: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
  readonly provider: string;
  readonly rackDomain: string;
  readonly routerInternal: string;
  readonly region: string;
  readonly status: string;
  readonly type: string;
  readonly version: string;
}

export const SYSTEM_SCHEMA: ObjectSchema<System> = {
  count: { json: 'count', kind: 'number' },
  domain: { json: 'domain', kind: 'string' },
  name: { json: 'name', kind: 'string' },
  outputs: { json: 'outputs', kind: 'map', omitEmpty: true },
  parameters: { json: 'parameters', kind: 'map', omitEmpty: true },
  provider: { json: 'provider', kind: 'string' },
  rackDomain: { json: 'rack-domain', kind: 'string' },
  routerInternal: { json: 'router-internal', kind: 'string' },
  region: { json: 'region', kind: 'string' },
  status: { json: 'status', kind: 'string' },
  type: { json: 'type', kind: 'string' },
  version: { json: 'version', kind: 'string' },
};

/** An uploaded object: `{"Url": "object://<app>/<key>"}`. */
export interface RackObject {
  readonly url: string;
}

export const OBJECT_SCHEMA: ObjectSchema<RackObject> = {
  url: { json: 'Url', kind: 'string' },
};

/** `GET /system/capacity`: cluster and process totals. */
export interface Capacity {
  readonly clusterCpu: number;
  readonly clusterMemory: number;
  readonly instanceCpu: number;
  readonly instanceMemory: number;
  readonly processCount: number;
  readonly processMemory: number;
  readonly processWidth: number;
}

export const CAPACITY_SCHEMA: ObjectSchema<Capacity> = {
  clusterCpu: { json: 'cluster-cpu', kind: 'number' },
  clusterMemory: { json: 'cluster-memory', kind: 'number' },
  instanceCpu: { json: 'instance-cpu', kind: 'number' },
  instanceMemory: { json: 'instance-memory', kind: 'number' },
  processCount: { json: 'process-count', kind: 'number' },
  processMemory: { json: 'process-memory', kind: 'number' },
  processWidth: { json: 'process-width', kind: 'number' },
};

/** `GET /system/metrics`: one named series. */
export interface Metric {
  readonly name: string;
  readonly values: JsonValue;
}

export const METRIC_SCHEMA: ObjectSchema<Metric> = {
  name: { json: 'name', kind: 'string' },
  values: { json: 'values', kind: 'json' },
};
