// One HTTP exchange with the rack, written the way the native client writes it
// (convox-rack-api.md §1–2): target = base path + route path + `?` + Go-encoded query (the `?` is
// always there), Basic auth, Content-Type by body kind, HTTP/1.1, dial timeout 30 s and no overall
// limit. undici's dispatcher is used directly so the raw target reaches the wire unchanged.
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { encodeGoForm } from '../wire/form.js';
import type { RackEndpoint } from './endpoint.js';
import { assertHeaderValue } from './endpoint.js';
import { httpError, RackNetworkError } from './errors.js';
import { responseHeaders } from './response-body.js';

export interface TransportOptions {
  readonly endpoint: RackEndpoint;
  readonly userAgent: string;
  readonly version: string;
  /** Extra headers on every request (e.g. `X-Convox-Actor`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Skip certificate verification (only for local development). */
  readonly insecureTls?: boolean;
  readonly dispatcher?: Dispatcher;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Route path, already escaped (`/apps/web/builds`). */
  readonly path: string;
  readonly query?: readonly [string, string][];
  readonly form?: readonly [string, string][];
  readonly headers?: readonly [string, string][];
  /** Raw body (object upload, build import); sent as application/octet-stream. */
  readonly body?: Readable | Buffer | AsyncIterable<Buffer>;
  /** Known length of a raw stream body; without it the body is sent chunked. */
  readonly contentLength?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Dispatcher.ResponseData['body'];
}

function formMap(pairs: readonly [string, string][]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [k, v] of pairs) values.set(k, [...(values.get(k) ?? []), v]);
  return values;
}

function rawBody(body: HttpCall['body']): Readable | Buffer | null {
  if (body === undefined) return null;
  return Buffer.isBuffer(body) || body instanceof Readable ? body : Readable.from(body);
}

export class HttpTransport {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: 30_000, rejectUnauthorized: !options.insecureTls },
        headersTimeout: 0,
        bodyTimeout: 0,
      });
  }

  get endpoint(): RackEndpoint {
    return this.options.endpoint;
  }

  /** Headers common to HTTP requests and WebSocket handshakes. */
  baseHeaders(): Record<string, string> {
    const { endpoint, userAgent, version, headers } = this.options;
    const out: Record<string, string> = { 'User-Agent': userAgent, Version: version };
    if (endpoint.authorization) out.Authorization = endpoint.authorization;
    for (const [name, value] of Object.entries(headers ?? {})) {
      assertHeaderValue(name, value);
      out[name] = value;
    }
    return out;
  }

  /** The request target: base path + path + `?` + query (the `?` is always present). */
  target(path: string, query: readonly [string, string][] = []): string {
    return `${this.options.endpoint.basePath}${path}?${encodeGoForm(formMap(query))}`;
  }

  private requestHeaders(call: HttpCall, hasForm: boolean): Record<string, string> {
    const headers = this.baseHeaders();
    headers.Accept = 'application/json';
    headers['Content-Type'] = hasForm
      ? 'application/x-www-form-urlencoded'
      : 'application/octet-stream';
    for (const [name, value] of call.headers ?? []) {
      assertHeaderValue(name, value);
      headers[name] = value;
    }
    if (call.body && call.contentLength !== undefined)
      headers['Content-Length'] = String(call.contentLength);
    return headers;
  }

  /** Sends the request; resolves with the response for status < 400, else throws a RackHttpError. */
  async send(call: HttpCall): Promise<HttpResult> {
    const hasForm = (call.form?.length ?? 0) > 0;
    const headers = this.requestHeaders(call, hasForm);
    const body = hasForm ? encodeGoForm(formMap(call.form ?? [])) : rawBody(call.body);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.options.endpoint.origin,
        path: this.target(call.path, call.query),
        method: call.method,
        headers,
        body,
        signal: call.signal,
      });
    } catch (err) {
      throw new RackNetworkError(`rack unreachable: ${(err as Error).message}`, err);
    }
    const result = {
      status: response.statusCode,
      headers: responseHeaders(response.headers),
      body: response.body,
    };
    if (result.status >= 400)
      throw httpError(result.status, await result.body.text(), result.headers);
    return result;
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }
}
