// The typed rack client: one method per in-scope route of convox-rack-api.md §7.1. Options are
// encoded from the route table (form / query / header placement and value formats), responses are
// decoded into the §6 objects and errors are typed (client/errors.ts).
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { decodeList, decodeObject, type ObjectSchema } from '../objects/schema.js';
import {
  APP_SCHEMA,
  type App,
  BUILD_SCHEMA,
  type Build,
  CAPACITY_SCHEMA,
  type Capacity,
  INSTANCE_SCHEMA,
  type Instance,
  METRIC_SCHEMA,
  type Metric,
  OBJECT_SCHEMA,
  PROCESS_SCHEMA,
  type Process,
  type RackObject,
  RELEASE_SCHEMA,
  type Release,
  SERVICE_SCHEMA,
  type Service,
  SYSTEM_SCHEMA,
  type System,
} from '../objects/types.js';
import { fillPath, type PathParams } from '../routes/match.js';
import { encodeOptions, type OptionsOf } from '../routes/options.js';
import {
  type OBJECT_OPTIONS,
  RACK_ROUTES,
  type RackRoute,
  type RackRouteId,
} from '../routes/route-table.js';
import { goPathEscape } from '../wire/form.js';
import { assertHeaderValue, parseRackUrl } from './endpoint.js';
import { FrameSocket } from './frame-socket.js';
import { type HttpResult, HttpTransport } from './http-transport.js';
import { decodeRackResponse, parseRackJson } from './response-body.js';
import { type ExecIo, ExecSession, LogStream } from './streams.js';
import { countingBody, type UploadProgress } from './upload.js';

type Route<I extends RackRouteId> = Extract<(typeof RACK_ROUTES)[number], { id: I }>;
type FormOf<R> = R extends { form: infer F extends Record<string, unknown> } ? F : undefined;
type QueryOf<R> = R extends { query: infer Q extends Record<string, unknown> } ? Q : undefined;
type HeadersOf<R> = R extends { headers: infer H extends Record<string, unknown> } ? H : undefined;
/** The options of a route: its form, query and header options together. */
export type RouteOptions<I extends RackRouteId> = OptionsOf<FormOf<Route<I>>> &
  OptionsOf<QueryOf<Route<I>>> &
  OptionsOf<HeadersOf<Route<I>>>;

export interface RackClientOptions {
  /** `scheme://[user:password@]host[:port][/base-path]`, e.g. a RACK_URL. */
  readonly url: string | URL;
  /** Default `rack-gateway/<version>`. */
  readonly userAgent?: string;
  /** Sent as the `Version` header; default `0.1.0`. */
  readonly version?: string;
  /** Extra headers on every request and handshake. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Skip TLS certificate verification (local development only). */
  readonly insecureTls?: boolean;
  readonly dispatcher?: Dispatcher;
}

export interface UploadOptions extends OptionsOf<typeof OBJECT_OPTIONS> {
  /** Object name under `tmp/`; default 30 random hex digits + `.tgz`, like the convox CLI. */
  readonly name?: string;
  /** Total size when known: sent as Content-Length instead of chunking. */
  readonly size?: number;
  readonly onProgress?: (progress: UploadProgress) => void;
}

function routeById(id: RackRouteId): RackRoute {
  const route = RACK_ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`unknown rack route ${id}`);
  return route;
}

async function readJson(result: HttpResult): Promise<unknown> {
  return parseRackJson(await result.body.text());
}

export class RackClient {
  private readonly transport: HttpTransport;

  constructor(private readonly options: RackClientOptions) {
    const version = options.version ?? '0.1.0';
    this.transport = new HttpTransport({
      endpoint: parseRackUrl(options.url),
      userAgent: options.userAgent ?? `rack-gateway/${version}`,
      version,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.insecureTls ? { insecureTls: true } : {}),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  }

  /** Sends any in-scope route; the typed methods below are built on it. */
  async request(
    id: RackRouteId,
    params: PathParams,
    options: Readonly<Record<string, unknown>> = {},
    body?: { readonly body: Readable | Buffer | AsyncIterable<Buffer>; readonly length?: number },
  ): Promise<HttpResult> {
    const route = routeById(id);
    if (route.method === 'SOCKET') throw new Error(`${id} is a socket route`);
    return this.transport.send({
      method: route.method,
      path: fillPath(route.path, params, goPathEscape),
      form: encodeOptions(route.form, options),
      query: encodeOptions(route.query, options),
      headers: encodeOptions(route.headers, options),
      ...(body ? { body: body.body, contentLength: body.length } : {}),
    });
  }

  private async one<T>(
    schema: ObjectSchema<T>,
    what: string,
    ...args: Parameters<RackClient['request']>
  ): Promise<T> {
    const json = await readJson(await this.request(...args));
    return decodeRackResponse(() => decodeObject(schema, json, what));
  }

  private async list<T>(
    schema: ObjectSchema<T>,
    what: string,
    ...args: Parameters<RackClient['request']>
  ): Promise<T[]> {
    const json = await readJson(await this.request(...args));
    return decodeRackResponse(() => decodeList(schema, json, what));
  }

  private async ok(...args: Parameters<RackClient['request']>): Promise<void> {
    await (await this.request(...args)).body.dump();
  }

  /** Opens a socket route: no query string, options as handshake headers, Origin from the URL. */
  async openSocket(
    id: RackRouteId,
    params: PathParams,
    options: Readonly<Record<string, unknown>> = {},
  ): Promise<FrameSocket> {
    const route = routeById(id);
    const endpoint = this.transport.endpoint;
    const headers = this.transport.baseHeaders();
    for (const [name, value] of encodeOptions(route.headers, options)) {
      assertHeaderValue(name, value);
      headers[name] = value;
    }
    const scheme = endpoint.secure ? 'wss' : 'ws';
    return FrameSocket.open({
      url: `${scheme}://${endpoint.host}${endpoint.basePath}${fillPath(route.path, params, goPathEscape)}`,
      origin: `${endpoint.secure ? 'https' : 'http'}://${endpoint.host}`,
      headers,
      ...(this.options.insecureTls ? { insecureTls: true } : {}),
    });
  }

  // Apps (rows 1–6)
  listApps(): Promise<App[]> {
    return this.list(APP_SCHEMA, 'app', 'apps.list', {});
  }
  createApp(name: string, options: Omit<RouteOptions<'apps.create'>, 'name'> = {}): Promise<App> {
    return this.one(APP_SCHEMA, 'app', 'apps.create', {}, { ...options, name });
  }
  getApp(app: string): Promise<App> {
    return this.one(APP_SCHEMA, 'app', 'apps.get', { app });
  }
  updateApp(app: string, options: RouteOptions<'apps.update'>): Promise<void> {
    return this.ok('apps.update', { app }, options);
  }
  deleteApp(app: string): Promise<void> {
    return this.ok('apps.delete', { app });
  }
  restartApp(app: string): Promise<void> {
    return this.ok('apps.restart', { app });
  }

  // Services (rows 7–9)
  listServices(app: string): Promise<Service[]> {
    return this.list(SERVICE_SCHEMA, 'service', 'services.list', { app });
  }
  updateService(app: string, service: string, options: RouteOptions<'services.update'>) {
    return this.ok('services.update', { app, service }, options);
  }
  restartService(app: string, service: string): Promise<void> {
    return this.ok('services.restart', { app, service });
  }

  // Processes (rows 10, 12–14)
  runProcess(app: string, service: string, options: RouteOptions<'processes.run'> = {}) {
    return this.one(PROCESS_SCHEMA, 'process', 'processes.run', { app, service }, options);
  }
  listProcesses(app: string, options: RouteOptions<'processes.list'> = {}): Promise<Process[]> {
    return this.list(PROCESS_SCHEMA, 'process', 'processes.list', { app }, options);
  }
  getProcess(app: string, pid: string): Promise<Process> {
    return this.one(PROCESS_SCHEMA, 'process', 'processes.get', { app, pid });
  }
  stopProcess(app: string, pid: string): Promise<void> {
    return this.ok('processes.stop', { app, pid });
  }

  /** Exec (row 15). `pid` may name a service. Stdin: session.write()/end() or pipeFrom(). */
  async exec(
    app: string,
    pid: string,
    command: string,
    options: Omit<RouteOptions<'processes.exec'>, 'command'> & ExecIo = {},
  ): Promise<ExecSession> {
    const { onOutput, ...headers } = options;
    const socket = await this.openSocket('processes.exec', { app, pid }, { ...headers, command });
    return new ExecSession(socket, onOutput ? { onOutput } : {});
  }

  // Logs (rows 11, 16, 17, 24, 34)
  async appLogs(app: string, options: RouteOptions<'logs.app'> = {}): Promise<LogStream> {
    return new LogStream(await this.openSocket('logs.app', { app }, options));
  }
  async serviceLogs(app: string, service: string, options: RouteOptions<'logs.service'> = {}) {
    return new LogStream(await this.openSocket('logs.service', { app, service }, options));
  }
  async processLogs(app: string, pid: string, options: RouteOptions<'logs.process'> = {}) {
    return new LogStream(await this.openSocket('logs.process', { app, pid }, options));
  }
  async buildLogs(app: string, id: string, options: RouteOptions<'logs.build'> = {}) {
    return new LogStream(await this.openSocket('logs.build', { app, id }, options));
  }
  async systemLogs(options: RouteOptions<'logs.system'> = {}): Promise<LogStream> {
    return new LogStream(await this.openSocket('logs.system', {}, options));
  }

  // Builds (rows 18–23)
  listBuilds(app: string, options: RouteOptions<'builds.list'> = {}): Promise<Build[]> {
    return this.list(BUILD_SCHEMA, 'build', 'builds.list', { app }, options);
  }
  createBuild(app: string, options: RouteOptions<'builds.create'>): Promise<Build> {
    return this.one(BUILD_SCHEMA, 'build', 'builds.create', { app }, options);
  }
  importBuild(app: string, archive: Readable | Buffer, length?: number): Promise<Build> {
    const body = length === undefined ? { body: archive } : { body: archive, length };
    return this.one(BUILD_SCHEMA, 'build', 'builds.import', { app }, {}, body);
  }
  /** The build's source archive as a stream (row 21). */
  async exportBuild(app: string, id: string): Promise<Readable> {
    return (await this.request('builds.export', { app, id })).body;
  }
  getBuild(app: string, id: string): Promise<Build> {
    return this.one(BUILD_SCHEMA, 'build', 'builds.get', { app, id });
  }
  updateBuild(app: string, id: string, options: RouteOptions<'builds.update'>): Promise<Build> {
    return this.one(BUILD_SCHEMA, 'build', 'builds.update', { app, id }, options);
  }

  // Releases (rows 25–28)
  listReleases(app: string, options: RouteOptions<'releases.list'> = {}): Promise<Release[]> {
    return this.list(RELEASE_SCHEMA, 'release', 'releases.list', { app }, options);
  }
  createRelease(app: string, options: RouteOptions<'releases.create'>): Promise<Release> {
    return this.one(RELEASE_SCHEMA, 'release', 'releases.create', { app }, options);
  }
  getRelease(app: string, id: string): Promise<Release> {
    return this.one(RELEASE_SCHEMA, 'release', 'releases.get', { app, id });
  }
  /** Promotes a release; `force` is always sent (false unless given), like the convox CLI. */
  promoteRelease(app: string, id: string, options: RouteOptions<'releases.promote'> = {}) {
    return this.ok('releases.promote', { app, id }, { ...options, force: options.force ?? false });
  }

  /** Uploads an object from a stream without buffering it (row 29). */
  uploadObject(app: string, data: Readable | AsyncIterable<Buffer>, options: UploadOptions = {}) {
    const name = options.name ?? `${randomBytes(15).toString('hex')}.tgz`;
    const body = countingBody(data, options.size, options.onProgress);
    const sized = options.size === undefined ? { body } : { body, length: options.size };
    const headers = options.public === undefined ? {} : { public: options.public };
    return this.one<RackObject>(
      OBJECT_SCHEMA,
      'object',
      'objects.upload',
      { app, name },
      headers,
      sized,
    );
  }

  // Instances and system (rows 30–33)
  listInstances(): Promise<Instance[]> {
    return this.list(INSTANCE_SCHEMA, 'instance', 'instances.list', {});
  }
  getInstance(id: string): Promise<Instance> {
    return this.one(INSTANCE_SCHEMA, 'instance', 'instances.get', { id });
  }
  getSystem(): Promise<System> {
    return this.one(SYSTEM_SCHEMA, 'system', 'system.get', {});
  }
  getSystemCapacity(): Promise<Capacity> {
    return this.one(CAPACITY_SCHEMA, 'capacity', 'system.capacity', {});
  }
  getSystemMetrics(): Promise<Metric[]> {
    return this.list(METRIC_SCHEMA, 'metric', 'system.metrics', {});
  }
  listSystemProcesses(options: RouteOptions<'system.processes'> = {}): Promise<Process[]> {
    return this.list(PROCESS_SCHEMA, 'process', 'system.processes', {}, options);
  }
  listSystemReleases(): Promise<Release[]> {
    return this.list(RELEASE_SCHEMA, 'release', 'system.releases', {});
  }
  updateSystem(options: RouteOptions<'system.update'>): Promise<void> {
    return this.ok('system.update', {}, options);
  }

  /** Releases pooled connections. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
