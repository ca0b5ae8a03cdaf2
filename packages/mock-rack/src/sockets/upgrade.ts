// WebSocket handshakes (mock-rack.md §2.1, §2.3): the route is resolved, the Origin checked BEFORE
// the upgrade (403 with gorilla's body), faults applied, and authentication checked AFTER the
// upgrade, so a bad credential arrives in-band as `ERROR: invalid authentication`.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  decodeOptions,
  EXEC_OPTIONS,
  LOG_OPTIONS,
  type PathParams,
  pathSegments,
} from '@rack-gateway/convox';
import type { WebSocketServer } from 'ws';
import { authenticate, UNAUTHORIZED_MESSAGE } from '../http/auth.js';
import type { FaultEffect } from '../http/faults.js';
import { delay, type RackDeps } from '../http/rack-deps.js';
import type { RequestLogEntry } from '../http/request-log.js';
import { resolve } from '../http/routing.js';
import { loggedHeaders, splitTarget } from '../http/target.js';
import { ECHO_ROUTES, runEcho } from './echo-session.js';
import { findExecTarget, runExec } from './exec-session.js';
import { streamBuildLog, streamLogs } from './log-session.js';
import { RackSocket } from './rack-socket.js';
import { refuse } from './refuse.js';

const ORIGIN_REFUSAL =
  'Forbidden\nERROR: websocket: request origin not allowed by Upgrader.CheckOrigin\n';

/** A missing Origin passes; else its host[:port] must equal Host, case-insensitively (API §4.3). */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost.toLowerCase() === (host ?? '').toLowerCase();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function startSession(
  deps: RackDeps,
  socket: RackSocket,
  routeId: string,
  params: PathParams,
  req: IncomingMessage,
): void {
  const { world } = deps;
  const lookup = (wire: string) => header(req, wire.toLowerCase());
  const isExec = routeId === 'processes.exec';
  if (ECHO_ROUTES.has(routeId)) {
    runEcho(world, socket, routeId, params);
    return;
  }
  if (routeId === 'logs.system') {
    streamLogs(
      world,
      socket,
      { app: null, accepts: () => true },
      decodeOptions(LOG_OPTIONS, lookup),
    );
    return;
  }
  const app = world.app(params.app ?? '');
  if (!app) {
    socket.fail(`app not found: ${params.app}`, isExec);
    return;
  }
  if (isExec) {
    const target = findExecTarget(app, params.pid ?? '');
    if (typeof target === 'string') socket.fail(target, true);
    else runExec(world, socket, app, target, decodeOptions(EXEC_OPTIONS, lookup));
    return;
  }
  if (routeId === 'logs.build') {
    const build = app.builds.find((b) => b.data.id === params.id);
    if (build) streamBuildLog(socket, build);
    else socket.fail(`build not found: ${params.id}`);
    return;
  }
  const accepts =
    {
      'logs.app': () => true,
      'logs.service': (e: { service?: string }) => e.service === params.service,
      'logs.process': (e: { pid?: string }) => e.pid === params.pid,
    }[routeId] ?? (() => false);
  streamLogs(world, socket, { app: app.data.name, accepts }, decodeOptions(LOG_OPTIONS, lookup));
}

interface Handshake {
  readonly deps: RackDeps;
  readonly wss: WebSocketServer;
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly entry: RequestLogEntry;
}

function upgrade(
  h: Handshake,
  routeId: string,
  params: PathParams,
  allowed: boolean,
  effect: FaultEffect,
) {
  h.wss.handleUpgrade(h.req, h.socket, h.head, (ws) => {
    h.entry.status = 101;
    const rack = new RackSocket(ws, h.entry, h.deps.world, effect);
    if (!allowed) {
      rack.fail(UNAUTHORIZED_MESSAGE, routeId === 'processes.exec');
      return;
    }
    const begin = () => {
      try {
        startSession(h.deps, rack, routeId, params, h.req);
      } catch (err) {
        // A bad option value (e.g. `Tail: x`) fails the socket in-band, as a rack handler would.
        rack.fail((err as Error).message, routeId === 'processes.exec');
      }
    };
    if (effect.latencyMs) delay(h.deps, effect.latencyMs).then(begin);
    else begin();
  });
}

function faultsFor(h: Handshake, params: PathParams, allowed: boolean): FaultEffect | null {
  if (!allowed) return {};
  const effect = h.deps.faults.forRequest({
    method: 'SOCKET',
    path: h.entry.path,
    app: params.app,
  });
  if (effect.hangup) {
    h.socket.destroy();
    return null;
  }
  const status = effect.wsRefuseStatus ?? effect.status;
  if (status) {
    h.entry.status = status;
    refuse(h.socket, h.deps.world.now(), status, effect.body ?? `mock fault: status ${status}\n`);
    return null;
  }
  return effect;
}

export function handleUpgrade(
  deps: RackDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const target = splitTarget(req.url);
  const segments = pathSegments(target.rawPath);
  const resolution = segments ? resolve('GET', segments) : { kind: 'unknown' as const };
  const auth = authenticate(header(req, 'authorization'), deps.password);
  const origin = header(req, 'origin');
  const entry = deps.requests.add({
    time: deps.world.now(),
    method: 'SOCKET',
    path: target.rawPath,
    rawQuery: target.rawQuery,
    hasQueryMark: target.hasQueryMark,
    routePattern: resolution.kind === 'route' ? resolution.route.path : 'unknown',
    headers: loggedHeaders(req.rawHeaders),
    authorization: auth.summary,
    form: null,
    bodyBytes: 0,
    status: 0,
    ...(origin === undefined ? {} : { origin }),
  });
  const h: Handshake = { deps, wss, req, socket, head, entry };
  const matched = resolution.kind === 'route' ? resolution.route : undefined;
  const route = matched?.method === 'SOCKET' ? matched : undefined;
  if (!route) {
    entry.status = matched ? 400 : 404;
    refuse(
      socket,
      deps.world.now(),
      entry.status,
      matched ? 'Bad Request\n' : '404 page not found\n',
    );
    return;
  }
  if (!originAllowed(origin, header(req, 'host'))) {
    entry.status = 403;
    refuse(socket, deps.world.now(), 403, ORIGIN_REFUSAL, { 'Sec-Websocket-Version': '13' });
    return;
  }
  const params = resolution.kind === 'route' ? resolution.params : {};
  const effect = faultsFor(h, params, auth.allowed);
  if (effect) upgrade(h, route.id, params, auth.allowed, effect);
}
