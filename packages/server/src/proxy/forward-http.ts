// One HTTP request to the rack: the target is the configured rack URL + the client's raw path and
// query, bodies stream in both directions, redirects are not followed. The rack's response headers
// must arrive within RACK_RESPONSE_TIMEOUT_SECONDS; bodies only have an idle limit.
import type { Readable } from 'node:stream';
import { type Dispatcher, errors } from 'undici';
import { RackAuthFailedError, RackTimeoutError, RackUnavailableError } from './rack-errors.js';

export interface RackUpstream {
  readonly baseUrl: URL;
  readonly dispatcher: Dispatcher;
  readonly responseTimeoutSeconds: number;
  readonly streamIdleTimeoutSeconds: number;
}

export interface ForwardRequest {
  readonly method: string;
  /** Path + `?` + query exactly as the client sent them (after the proxy prefix). */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: Readable | Buffer | null;
  readonly signal?: AbortSignal;
}

export interface ForwardResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Readable;
}

/** Base path of the rack URL + the raw target; kept verbatim (a URL parser would drop a bare `?`). */
export function upstreamPath(base: URL, target: string): string {
  return `${base.pathname.replace(/\/$/, '')}${target}`;
}

export async function forwardHttp(
  upstream: RackUpstream,
  req: ForwardRequest,
): Promise<ForwardResponse> {
  let res: Dispatcher.ResponseData;
  try {
    res = await upstream.dispatcher.request({
      origin: upstream.baseUrl.origin,
      path: upstreamPath(upstream.baseUrl, req.target),
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      headersTimeout: upstream.responseTimeoutSeconds * 1000,
      bodyTimeout: upstream.streamIdleTimeoutSeconds * 1000,
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (err) {
    if (err instanceof errors.HeadersTimeoutError)
      throw new RackTimeoutError(upstream.responseTimeoutSeconds, err);
    throw new RackUnavailableError(err);
  }
  if (res.statusCode === 401) {
    await res.body.dump();
    throw new RackAuthFailedError();
  }
  return { status: res.statusCode, headers: res.headers, body: res.body };
}
