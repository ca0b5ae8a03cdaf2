// The variants as the scenarios see them: where to send a rack request, with which credential,
// and which processes' CPU time and memory belong to the variant.
import type { HttpTarget } from './http-load.ts';
import type { Variant } from './results.ts';
import type { WsTarget } from './ws-load.ts';

export interface Endpoint {
  readonly variant: Variant;
  /** Rack API paths are appended to this (the rack itself, nginx, or a gateway's rack proxy). */
  readonly base: string;
  readonly authorization: string;
  /** The processes that serve the variant's requests (the rack for direct, nginx's workers). */
  readonly cpuPids: () => readonly number[];
  /** PostgreSQL backends of the gateway's database (their CPU is reported separately). */
  readonly dbPids?: () => readonly number[];
  readonly memoryPid: number;
}

const OBJECT = Buffer.alloc(64, 7);

export type HttpKind = 'read' | 'mutation';

/**
 * A proxied read (`GET /apps?`, as the convox CLI sends it) or an audited mutation (a 64-byte
 * object upload, a step-up route an API token of an owner with MFA may call).
 */
export function httpTarget(e: Endpoint, kind: HttpKind, app: string): HttpTarget {
  if (kind === 'read')
    return { url: `${e.base}/apps?`, method: 'GET', headers: { authorization: e.authorization } };
  return {
    url: `${e.base}/apps/${app}/objects/tmp/bench-${e.variant}.bin`,
    method: 'POST',
    headers: { authorization: e.authorization, 'content-type': 'application/octet-stream' },
    body: OBJECT,
  };
}

export function logSocket(e: Endpoint, app: string): WsTarget {
  return {
    url: `${e.base.replace(/^http/, 'ws')}/apps/${app}/logs`,
    headers: { authorization: e.authorization },
    origin: new URL(e.base).origin,
  };
}
