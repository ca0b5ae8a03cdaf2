// JSON calls to the gateway API (`<gateway>/api/v1/...`) with `Authorization: Bearer <credential>`.
// Error responses become GatewayHttpError with the status, headers and the gateway's
// `{error, message}` body; connection failures become GatewayUnreachableError.
import { responseHeaders } from '@rack-gateway/convox';
import type { Dispatcher } from 'undici';
import { USER_AGENT } from '../version.js';

/** What the error mapper needs from any failed HTTP exchange (gateway API or rack proxy). */
export interface HttpFailure {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly message: string;
  /** The gateway's error code (`error` field or `X-Error-Reason`). */
  readonly code: string | undefined;
}

export class GatewayHttpError extends Error implements HttpFailure {
  override readonly name = 'GatewayHttpError';
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    message: string,
    readonly code: string | undefined,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export class GatewayUnreachableError extends Error {
  override readonly name = 'GatewayUnreachableError';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}`, { cause });
  }
}

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface GatewayCall {
  readonly json?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface GatewayApiOptions {
  readonly baseUrl: string;
  readonly credential: string | undefined;
  readonly dispatcher: Dispatcher;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorOf(status: number, headers: Record<string, string>, body: unknown) {
  const doc = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof doc.error === 'string' ? doc.error : headers['x-error-reason'];
  const text = typeof body === 'string' ? body.trim() : '';
  const message =
    (typeof doc.message === 'string' && doc.message) || code || text || `HTTP ${status}`;
  return new GatewayHttpError(status, headers, message, code, doc);
}

export class GatewayApi {
  constructor(readonly options: GatewayApiOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Sends a request; resolves for 2xx/3xx, throws GatewayHttpError otherwise. */
  async send(method: string, path: string, call: GatewayCall = {}): Promise<GatewayResponse> {
    const url = new URL(`${this.options.baseUrl}${path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...call.headers,
    };
    if (this.options.credential) headers.Authorization = `Bearer ${this.options.credential}`;
    if (call.json !== undefined) headers['Content-Type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    try {
      response = await this.options.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: call.json === undefined ? null : JSON.stringify(call.json),
        signal: call.signal,
      });
    } catch (err) {
      if (call.signal?.aborted) throw err;
      throw new GatewayUnreachableError(this.options.baseUrl, err);
    }
    const replyHeaders = responseHeaders(response.headers);
    const body = parseBody(await response.body.text());
    if (response.statusCode >= 400) throw errorOf(response.statusCode, replyHeaders, body);
    return { status: response.statusCode, headers: replyHeaders, body };
  }
}
