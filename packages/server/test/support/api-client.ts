// Calls the gateway API the way the SPA does (session cookie + CSRF token + Origin) or the CLI
// does (Bearer token), returning status, headers and parsed JSON.
import type { WebSession } from './sign-in.js';

export interface ApiResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> & { error?: string };
  readonly list: Record<string, unknown>[];
}

export type Caller = { readonly web: WebSession } | { readonly bearer: string };

export async function callApi(
  gatewayUrl: string,
  caller: Caller,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...options.headers };
  if ('bearer' in caller) headers.authorization = `Bearer ${caller.bearer}`;
  else {
    headers.cookie = `rgw_session=${caller.web.token}`;
    if (method !== 'GET') {
      headers['x-csrf-token'] ??= caller.web.csrf;
      headers.origin ??= gatewayUrl;
    }
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  return {
    status: res.status,
    headers: res.headers,
    body: (Array.isArray(parsed) ? {} : parsed) as ApiResult['body'],
    list: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [],
  };
}
