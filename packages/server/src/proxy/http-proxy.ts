// Step 7-9 of the rack proxy for HTTP requests (access-control.md §10.2): request policy, forward
// with the exact wire format, rewrite release/build JSON, and audit. A mutation is recorded twice,
// durably: its attempt before anything reaches the rack, its outcome (naming the attempt) before
// the client sees the answer (audit.md §6). The route guard has already decided who may do what.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { grants } from '../access/permissions.js';
import { appendRead } from '../access/request-audit.js';
import { AuditUnavailableError, NOT_RECORDED_AFTER } from '../audit/audit-errors.js';
import type { AuditEventInput } from '../audit/audit-log.js';
import type { EnvChange } from './env-rules.js';
import { formatEnvText, maskEnv, parseEnvText } from './env-rules.js';
import { type ForwardRequest, forwardHttp } from './forward-http.js';
import { downstreamHeaders, upstreamHeaders } from './headers.js';
import { afterAttempt, attemptLink, envChangeEvents, proxyEvent } from './proxy-audit.js';
import type { ProxyContext } from './proxy-context.js';
import { latestRelease, upstreamIdentity } from './rack-calls.js';
import type { RackTarget } from './rack-target.js';
import { prepareRackUpdate } from './rack-update.js';
import { byteLimit, FORM_LIMIT_BYTES, readBounded, tooLarge } from './read-body.js';
import { applyReleaseEnv, checkBuildForm, checkHeaders, parseForm } from './request-policy.js';
import { rewriteBuildJson, rewriteReleaseJson } from './response-rewrite.js';

const RELEASE_ROWS = new Set([25, 26, 27]);
const BUILD_ROWS = new Set([18, 19, 20, 22]);
const UPLOAD_ROWS = new Set([20, 29]);
const RACK_UPDATE_ROW = 33;

interface Prepared {
  readonly body: Readable | Buffer | null;
  readonly length: number | null;
  readonly changes: readonly EnvChange[];
  /** Extra audit details (the parameter diff of `PUT /system`). */
  readonly details?: Record<string, unknown>;
}

function principalOf(request: FastifyRequest) {
  const p = request.principal;
  if (p === null) throw new Error('rack proxy reached without a principal');
  return p;
}

/** Release and build forms are read (≤ 1 MiB), checked and, for releases, rewritten. */
async function prepareForm(
  ctx: ProxyContext,
  request: FastifyRequest,
  target: RackTarget,
  raw: Readable,
): Promise<Prepared> {
  const buf = await readBounded(raw, FORM_LIMIT_BYTES);
  const form = parseForm(buf);
  if (target.match?.route.row === 19) {
    checkBuildForm(form);
    return { body: buf, length: buf.length, changes: [] };
  }
  const app = target.match?.params.app ?? '';
  const p = principalOf(request);
  const rewritten = applyReleaseEnv({
    form,
    currentEnv: form.has('env') ? ((await latestRelease(ctx, request, app))?.env ?? '') : '',
    policy: await ctx.envPolicy.forApp(app),
    canSetEnv: grants(p.permissions, 'convox:env:set'),
    canSetSecrets: grants(p.permissions, 'convox:secret:set'),
  });
  const body = rewritten.body ?? buf;
  return { body, length: body.length, changes: rewritten.changes };
}

/** Uploads stream through with a byte limit (413 beyond); they are never buffered. */
function prepareUpload(ctx: ProxyContext, request: FastifyRequest, raw: Readable): Prepared {
  const max = ctx.config.rack.maxUploadBytes;
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > max) throw tooLarge(max);
  return {
    body: raw.pipe(byteLimit(max)),
    length: Number.isNaN(declared) ? null : declared,
    changes: [],
  };
}

async function prepareBody(
  ctx: ProxyContext,
  request: FastifyRequest,
  target: RackTarget,
): Promise<Prepared> {
  const row = target.match?.route.row ?? 0;
  const raw = request.body as Readable | undefined;
  if (raw === undefined || request.method === 'GET' || request.method === 'DELETE')
    return { body: null, length: null, changes: [] };
  if (row === 19 || row === 26) return prepareForm(ctx, request, target, raw);
  if (UPLOAD_ROWS.has(row)) return prepareUpload(ctx, request, raw);
  if (row === RACK_UPDATE_ROW) {
    const update = await prepareRackUpdate(ctx, request, raw);
    const details = { changes: update.changes };
    return { body: update.body, length: update.body.length, changes: [], details };
  }
  return { body: raw, length: null, changes: [] };
}

/** Buffers and rewrites JSON the client must not see verbatim; streams everything else. */
async function responseBody(
  ctx: ProxyContext,
  request: FastifyRequest,
  target: RackTarget,
  res: { status: number; body: Readable },
): Promise<{ body: Readable | Buffer; learnedId: string | null }> {
  const row = target.match?.route.row ?? 0;
  const rewrite =
    res.status < 300 &&
    (RELEASE_ROWS.has(row) || BUILD_ROWS.has(row) || row === 10 || row === 2 || row === 29);
  if (!rewrite) return { body: res.body, learnedId: null };
  let text = (await readBounded(res.body, 64 * 1024 * 1024)).toString('utf8');
  if (RELEASE_ROWS.has(row)) {
    const policy = await ctx.envPolicy.forApp(target.match?.params.app ?? '');
    const canRead = grants(principalOf(request).permissions, 'convox:env:read');
    text = rewriteReleaseJson(text, (env) =>
      formatEnvText(maskEnv(parseEnvText(env), policy, canRead)),
    );
  } else if (BUILD_ROWS.has(row)) {
    text = rewriteBuildJson(text);
  }
  return { body: Buffer.from(text, 'utf8'), learnedId: learnedIdOf(text) };
}

function learnedIdOf(text: string): string | null {
  try {
    const v = JSON.parse(text) as { id?: unknown; name?: unknown; Url?: unknown };
    if (typeof v.id === 'string') return v.id;
    if (typeof v.Url === 'string') return v.Url.replace(/^object:\/\/[^/]+\//, '');
    return typeof v.name === 'string' ? v.name : null;
  } catch {
    return null;
  }
}

async function durable(ctx: ProxyContext, events: readonly AuditEventInput[]): Promise<void> {
  try {
    for (const event of events) await ctx.audit.append(event, { durable: true });
  } catch (err) {
    // The rack has the request: the client must not be told to retry (that repeats it).
    throw new AuditUnavailableError(NOT_RECORDED_AFTER, err);
  }
}

interface Forwarded {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Readable | Buffer;
  readonly learnedId: string | null;
}

/** Forwards and reads what the client will get. */
async function forward(
  ctx: ProxyContext,
  request: FastifyRequest,
  target: RackTarget,
  upstream: ForwardRequest,
): Promise<Forwarded> {
  const res = await forwardHttp(ctx.upstream, upstream);
  const out = await responseBody(ctx, request, target, res);
  return { status: res.status, headers: res.headers, ...out };
}

/** How a request reaches the proxy engine; the web-safe API passes what it built itself. */
export interface ProxyCall {
  /** Headers offered to the rack (default: the client's), filtered per convox-rack-api.md §5.2. */
  readonly headers?: IncomingHttpHeaders;
  /** A body composed by the gateway instead of the client's stream (null: none). */
  readonly body?: Buffer | null;
}

export async function proxyHttp(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  call: ProxyCall = {},
): Promise<FastifyReply> {
  const target = request.rackTarget;
  const match = target?.match;
  if (!target || !match) throw new Error('rack proxy reached without a matched route');
  const client = call.headers ?? request.headers;
  checkHeaders(match.route.row, client);
  const prepared =
    call.body === undefined
      ? await prepareBody(ctx, request, target)
      : { body: call.body, length: call.body?.length ?? null, changes: [] };
  const headers = upstreamHeaders(client, ctx.rack, upstreamIdentity(request), {
    websocket: false,
  });
  if (prepared.length !== null) headers['content-length'] = String(prepared.length);
  const mutation = match.route.mutation;
  const extra = { ...prepared.details };
  const upstream = {
    method: request.method,
    target: target.path.target,
    headers,
    body: prepared.body,
  };
  const { value: res, attemptSeq } = await afterAttempt(
    ctx.audit,
    request,
    mutation ? proxyEvent(request, target, { httpStatus: null, extra }) : null,
    () => forward(ctx, request, target, upstream),
  );
  const event = proxyEvent(request, target, {
    httpStatus: res.status,
    learnedId: res.learnedId,
    elapsedMs: reply.elapsedTime,
    extra: { ...extra, ...attemptLink(attemptSeq) },
  });
  if (mutation) {
    const app = match.params.app ?? '';
    const envEvents =
      res.status < 300 ? envChangeEvents(request, app, res.learnedId ?? '', prepared.changes) : [];
    await durable(ctx, [event, ...envEvents]);
  } else {
    await appendRead(ctx.audit, event);
  }
  const relayed = downstreamHeaders(res.headers);
  if (Buffer.isBuffer(res.body)) relayed['content-length'] = String(res.body.length);
  return reply.code(res.status).headers(relayed).send(res.body);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The resolved rack target of a rack-proxy request (set by the route guard). */
    rackTarget: RackTarget | null;
  }
}
