// startMockRack: the mock rack's HTTP(S) server on raw node:http plus `ws`, so every byte of a
// response is ours (mock-rack.md §1). Integration tests start one per file on port 0; demo mode
// starts it in-process on its default port.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { handleControl } from './control/control-api.js';
import type { MockRack, MockRackControl, ResetOptions } from './control/mock-rack-types.js';
import { seedWorld } from './control/seed.js';
import { addExecScript, appendLogs, dumpState, setProcessStatus } from './control/surface.js';
import { type Clock, isManualClock, realClock } from './core/clock.js';
import {
  isLoopback,
  type MockRackOptions,
  resolveSeed,
  resolveStartTime,
  resolveTimings,
} from './core/options.js';
import { World, type WorldConfig } from './core/world.js';
import { FaultStore } from './http/faults.js';
import { handleRackRequest } from './http/pipeline.js';
import type { RackDeps } from './http/rack-deps.js';
import { RequestLog } from './http/request-log.js';
import { emptyState } from './scenario/rack.js';
import { startTraffic } from './scenario/traffic.js';
import { handleUpgrade } from './sockets/upgrade.js';

export const DEFAULT_PASSWORD = 'mock-rack-password';

function worldConfig(options: MockRackOptions, now: number, reset: ResetOptions = {}): WorldConfig {
  return {
    seed: reset.seed ?? resolveSeed(options.seed),
    startTime: resolveStartTime(reset.startTime ?? options.startTime, now),
    timings: resolveTimings(reset.timings ?? options.timings),
    version: options.version ?? '3.24.6',
    rackName: options.rackName ?? 'mock-rack',
    maxObjectBytes: options.maxObjectBytes ?? 256 * 1024 * 1024,
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startMockRack(options: MockRackOptions = {}): Promise<MockRack> {
  const clock: Clock = options.clock ?? realClock;
  // A manual clock starts the scenario at its own time; reset() returns it there.
  const clockStart = clock.now();
  const host = options.host ?? '127.0.0.1';
  const password = options.password ?? DEFAULT_PASSWORD;
  let scenario = options.scenario ?? 'demo';
  const world = new World(emptyState(), worldConfig(options, clockStart), clock);
  const requests = new RequestLog(options.recordRequests ?? 1000);
  const faults = new FaultStore(() => world.prng);
  const deps: RackDeps = {
    world,
    faults,
    requests,
    password,
    maxObjectBytes: world.config.maxObjectBytes,
  };
  const traffic = () => {
    if (options.trafficLogs) startTraffic(world);
  };
  seedWorld(world, world.config, scenario);
  traffic();

  const control: MockRackControl = {
    reset(reset: ResetOptions = {}) {
      scenario = reset.scenario ?? scenario;
      const config = worldConfig(options, isManualClock(clock) ? clockStart : clock.now(), reset);
      if (isManualClock(clock)) clock.resetTo(config.startTime);
      seedWorld(world, config, scenario);
      faults.clear();
      requests.clear();
      traffic();
    },
    state: () => dumpState(world),
    requests: { list: (since) => requests.list(since), clear: () => requests.clear() },
    faults: {
      add: (rule) => faults.add(rule),
      list: () => faults.list(),
      remove: (id) => faults.remove(id),
      clear: () => faults.clear(),
    },
    clock,
    appendLogs: (input) => appendLogs(world, input),
    setProcessStatus: (app, pid, status) => setProcessStatus(world, app, pid, status),
    addExecScript: (script) => addExecScript(world, script),
    version: () => world.state.system.version,
  };

  const controlEnabled = options.controlApi ?? isLoopback(host);
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((err: Error) => {
      if (res.headersSent) res.destroy();
      else
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`);
    });
  };
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.url === '/health' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok","service":"mock-rack"}\n');
      return;
    }
    if (req.url?.startsWith('/_mock/') && (await handleControl(control, controlEnabled, req, res)))
      return;
    await handleRackRequest(deps, req, res);
  };
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  const makeServer = (): Server => {
    const server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
      : createHttpServer(onRequest);
    server.requestTimeout = 0;
    server.on('upgrade', (req, socket, head) => handleUpgrade(deps, wss, req, socket, head));
    return server;
  };

  let server = makeServer();
  const port = await listen(server, options.port ?? 5443, host);
  const scheme = options.tls ? 'https' : 'http';
  return {
    ...control,
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    password,
    async close() {
      for (const client of wss.clients) client.terminate();
      await closeServer(server);
      world.stopTimers();
    },
    async stop() {
      for (const client of wss.clients) client.terminate();
      await closeServer(server);
    },
    async start() {
      server = makeServer();
      await listen(server, port, host);
    },
  };
}
