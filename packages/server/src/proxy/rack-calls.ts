// The gateway's own calls to the rack (not a client's request passed through): reading the latest
// release's env before composing a new one, creating that release, reading system information.
// They carry the caller's identity like proxied requests; a rack error keeps its status and text.

import { encodeGoForm, type FormValues } from '@rack-gateway/convox';
import type { FastifyRequest } from 'fastify';
import { forwardHttp } from './forward-http.js';
import { upstreamHeaders } from './headers.js';
import { actorName, type ProxyContext } from './proxy-context.js';
import { RackAnswerError } from './rack-errors.js';
import { readBounded } from './read-body.js';

const JSON_LIMIT_BYTES = 16 * 1024 * 1024;

export interface RackRelease {
  readonly id: string;
  readonly env: string;
}

/** What the rack sees about the caller: actor, e-mail and the request id. */
export function upstreamIdentity(request: FastifyRequest) {
  const p = request.principal;
  if (p === null) throw new Error('rack call without a principal');
  return { actor: actorName(p), email: p.user.email, requestId: request.id };
}

/** One JSON call to the rack; a status ≥ 400 throws RackAnswerError with the rack's message. */
export async function rackJson<T>(
  ctx: ProxyContext,
  request: FastifyRequest,
  method: 'GET' | 'POST',
  target: string,
  form?: FormValues,
): Promise<T> {
  const client: Record<string, string> = { accept: 'application/json' };
  const body = form === undefined ? null : Buffer.from(encodeGoForm(form), 'utf8');
  if (body !== null) client['content-type'] = 'application/x-www-form-urlencoded';
  const headers = upstreamHeaders(client, ctx.rack, upstreamIdentity(request), {
    websocket: false,
  });
  if (body !== null) headers['content-length'] = String(body.length);
  const res = await forwardHttp(ctx.upstream, { method, target, headers, body });
  const text = (await readBounded(res.body, JSON_LIMIT_BYTES)).toString('utf8');
  if (res.status >= 400) throw RackAnswerError.from(res.status, text);
  return JSON.parse(text) as T;
}

const appPath = (app: string): string => `/apps/${encodeURIComponent(app)}`;

/** The newest release of `app` (the env a change starts from), or null when it has none. */
export async function latestRelease(
  ctx: ProxyContext,
  request: FastifyRequest,
  app: string,
): Promise<RackRelease | null> {
  const list = await rackJson<{ id?: string; env?: string }[] | null>(
    ctx,
    request,
    'GET',
    `${appPath(app)}/releases?limit=1`,
  );
  const first = list?.[0];
  return first?.id ? { id: first.id, env: first.env ?? '' } : null;
}

/** Creates a release of `app` with the composed env text; returns the new release's id. */
export async function createEnvRelease(
  ctx: ProxyContext,
  request: FastifyRequest,
  app: string,
  envText: string,
): Promise<string> {
  const form: FormValues = new Map([['env', [envText]]]);
  const release = await rackJson<{ id?: string }>(
    ctx,
    request,
    'POST',
    `${appPath(app)}/releases?`,
    form,
  );
  return release.id ?? '';
}
