// The HTTP request pipeline of the mock rack, in the rack's order (mock-rack.md §2): resolve the
// route (unknown → 404 without auth, wrong method → 405), authenticate (401), apply faults, read the
// body, decode options from their locations, run the handler and write the rack's response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DecodedOptions,
  decodeGoForm,
  decodeOptions,
  formLookup,
  type OptionSpecs,
  type PathParams,
  pathSegments,
} from '@rack-gateway/convox';
import { RackFailure } from '../core/failure.js';
import { HANDLERS } from '../handlers/index.js';
import { authenticate, UNAUTHORIZED_MESSAGE, WWW_AUTHENTICATE } from './auth.js';
import type { FaultEffect } from './faults.js';
import type { RackDeps } from './rack-deps.js';
import { delay } from './rack-deps.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { RequestLogEntry } from './request-log.js';
import {
  type Reply,
  type ResponseMeta,
  replyStatus,
  TEXT,
  write,
  writeError,
  writeReply,
} from './respond.js';
import { type MockRoute, resolve } from './routing.js';
import { loggedHeaders, splitTarget, type Target } from './target.js';

const FORM_LIMIT = 1 << 20;
const URLENCODED = 'application/x-www-form-urlencoded';

interface Exchange {
  readonly deps: RackDeps;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: Target;
  readonly entry: RequestLogEntry;
  readonly accept: string | undefined;
}

function meta(x: Exchange, authenticated: boolean): ResponseMeta {
  return {
    now: x.deps.world.now(),
    requestId: authenticated ? x.deps.world.requestIds.requestId() : undefined,
  };
}

function fail(x: Exchange, status: number, message: string, extra?: Record<string, string>): void {
  x.entry.status = status;
  writeError(x.res, meta(x, true), status, message, x.accept, extra);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function decodeRouteOptions(x: Exchange, route: MockRoute, body: Buffer): Record<string, unknown> {
  const spec = route.rack;
  if (!spec) return {};
  const fromBody = isUrlencoded(x) ? formLookup(body.toString('utf8')) : () => undefined;
  const fromQuery = (wire: string) => x.target.query.get(wire)?.[0];
  const sources: [OptionSpecs | undefined, (wire: string) => string | undefined][] = [
    [spec.form, (wire) => fromBody(wire) ?? fromQuery(wire)],
    [spec.query, fromQuery],
    [spec.headers, (wire) => header(x.req, wire)],
  ];
  let options: DecodedOptions<OptionSpecs> = {};
  for (const [specs, lookup] of sources)
    if (specs) options = { ...options, ...decodeOptions(specs, lookup) };
  return options;
}

function isUrlencoded(x: Exchange): boolean {
  return (header(x.req, 'content-type') ?? '').split(';')[0]?.trim() === URLENCODED;
}

/** The request log keeps decoded forms up to 1 MiB (gateway tests read rewritten env forms). */
function recordBody(x: Exchange, body: Buffer): void {
  x.entry.bodyBytes = body.length;
  if (isUrlencoded(x) && body.length <= FORM_LIMIT)
    x.entry.form = Object.fromEntries(decodeGoForm(body.toString('utf8'), true));
}

/** A plain GET on a socket route: gorilla's upgrader refuses it, the rack appends its error. */
function notWebsocket(x: Exchange): void {
  const reason =
    "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header";
  x.entry.status = 400;
  const headers = {
    'Content-Type': TEXT,
    'Sec-Websocket-Version': '13',
    'X-Content-Type-Options': 'nosniff',
  };
  write(x.res, meta(x, true), 400, headers, `Bad Request\nERROR: ${reason}\n`);
}

async function applyFaults(x: Exchange, effect: FaultEffect): Promise<boolean> {
  if (effect.latencyMs) await delay(x.deps, effect.latencyMs);
  if (effect.hangup) {
    x.entry.status = 0;
    x.req.socket.destroy();
    return true;
  }
  if (effect.status) {
    fail(x, effect.status, effect.body ?? `mock fault: status ${effect.status}`);
    return true;
  }
  return false;
}

/** Mock routes whose body is an archive or file, limited like uploads. */
const RAW_BODY_ROUTES = new Set([
  'objects.store',
  'files.put',
  'proxy.custom-http',
  'proxy.registry',
]);

async function runRoute(x: Exchange, route: MockRoute, params: PathParams): Promise<void> {
  const { deps } = x;
  const limit =
    route.rack?.rawBody || RAW_BODY_ROUTES.has(route.id)
      ? deps.maxObjectBytes
      : Number.MAX_SAFE_INTEGER;
  const body = await readBody(x.req, limit);
  recordBody(x, body);
  if (route.method === 'SOCKET') {
    notWebsocket(x);
    return;
  }
  const handler = HANDLERS[route.id];
  if (!handler) throw new Error(`no handler for ${route.id}`);
  const reply: Reply = handler({
    world: deps.world,
    faults: deps.faults,
    params,
    options: decodeRouteOptions(x, route, body),
    query: x.target.query,
    body,
    target: { method: x.req.method ?? 'GET', path: x.target.rawPath, app: params.app },
  });
  if (x.req.method !== 'GET') deps.world.touch();
  x.entry.status = replyStatus(reply);
  writeReply(x.res, meta(x, true), reply);
}

function errorStatus(err: unknown): [number, string] {
  if (err instanceof RackFailure) return [err.status, err.message];
  if (err instanceof BodyTooLargeError) return [413, err.message];
  return [500, (err as Error).message];
}

async function authorized(x: Exchange, route: MockRoute, params: PathParams): Promise<void> {
  const effect = x.deps.faults.forRequest({
    method: x.req.method ?? 'GET',
    path: x.target.rawPath,
    app: params.app,
  });
  if (await applyFaults(x, effect)) return;
  try {
    await runRoute(x, route, params);
  } catch (err) {
    const [status, message] = errorStatus(err);
    fail(x, status, message);
  }
}

/** Serves one rack HTTP request (control routes are handled before this). */
export async function handleRackRequest(
  deps: RackDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const target = splitTarget(req.url);
  const segments = pathSegments(target.rawPath);
  const method = req.method ?? 'GET';
  const resolution = segments ? resolve(method, segments) : { kind: 'unknown' as const };
  const auth = authenticate(header(req, 'authorization'), deps.password);
  const entry = deps.requests.add({
    time: deps.world.now(),
    method,
    path: target.rawPath,
    rawQuery: target.rawQuery,
    hasQueryMark: target.hasQueryMark,
    routePattern:
      resolution.kind === 'route'
        ? resolution.route.path
        : resolution.kind === 'method-not-allowed'
          ? resolution.pattern
          : 'unknown',
    headers: loggedHeaders(req.rawHeaders),
    authorization: auth.summary,
    form: null,
    bodyBytes: 0,
    status: 0,
  });
  const x: Exchange = { deps, req, res, target, entry, accept: header(req, 'accept') };
  if (resolution.kind === 'unknown') {
    entry.status = 404;
    req.resume();
    write(
      res,
      meta(x, false),
      404,
      { 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff' },
      '404 page not found\n',
    );
    return;
  }
  if (resolution.kind === 'method-not-allowed') {
    entry.status = 405;
    req.resume();
    write(res, meta(x, false), 405, {}, '');
    return;
  }
  if (!auth.allowed) {
    req.resume();
    fail(x, 401, UNAUTHORIZED_MESSAGE, WWW_AUTHENTICATE);
    return;
  }
  await authorized(x, resolution.route, resolution.params);
}
