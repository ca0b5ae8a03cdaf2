// Which headers cross the proxy in each direction (convox-rack-api.md §5.2, §5.4; access-control.md
// §10.5). Client credentials, cookies, identity headers and env overrides never reach the rack; the
// rack's Set-Cookie and hop-by-hop headers never reach the client.

import type { IncomingHttpHeaders } from 'node:http';
import type { RackConnection } from '../config/types.js';
import { IDENTITY_HEADERS } from '../http/identity-headers.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const NEVER_UPSTREAM = new Set([
  'authorization',
  'cookie',
  'host',
  'origin',
  'rack',
  'session',
  'env',
  'environment',
  'release-env',
  'x-convox-actor',
  'convox-actor',
  ...IDENTITY_HEADERS,
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'expect',
]);

/** WebSocket handshake headers the `ws` client computes itself. */
const WS_HANDSHAKE = new Set([
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);

const NEVER_DOWNSTREAM = new Set(['set-cookie', 'x-error-source']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  const list = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    list
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Removes control characters and caps the length of the actor recorded in the rack's own audit. */
export function actorHeaderValue(actor: string): string {
  return [...actor]
    .filter((c) => c >= ' ' && c !== '\u007f')
    .join('')
    .slice(0, 256);
}

export function basicAuth(rack: RackConnection): string {
  return `Basic ${Buffer.from(`${rack.username}:${rack.token}`).toString('base64')}`;
}

export interface UpstreamIdentity {
  readonly actor: string;
  readonly email: string;
  readonly requestId: string;
}

/** Headers to send to the rack: the client's option headers plus our credential and identity. */
export function upstreamHeaders(
  client: IncomingHttpHeaders,
  rack: RackConnection,
  who: UpstreamIdentity,
  options: { websocket: boolean },
): Record<string, string> {
  const listed = connectionListed(client);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    const n = name.toLowerCase();
    if (
      value === undefined ||
      HOP_BY_HOP.has(n) ||
      listed.has(n) ||
      NEVER_UPSTREAM.has(n) ||
      n.startsWith('x-mfa-')
    ) {
      continue;
    }
    if (options.websocket && WS_HANDSHAKE.has(n)) continue;
    out[n] = Array.isArray(value) ? value.join(', ') : value;
  }
  out.authorization = basicAuth(rack);
  out['x-user-email'] = who.email;
  out['x-convox-actor'] = actorHeaderValue(who.actor);
  out['x-request-id'] = who.requestId;
  return out;
}

/** Headers to relay back to the client. */
export function downstreamHeaders(
  rack: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const listed = connectionListed(rack as IncomingHttpHeaders);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(rack)) {
    const n = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(n) || listed.has(n) || NEVER_DOWNSTREAM.has(n))
      continue;
    out[n] = value;
  }
  return out;
}

/** A non-empty Env/Environment/Release-Env header would bypass the env rules (§11). */
export function envOverrideHeader(client: IncomingHttpHeaders): string | null {
  for (const name of ['env', 'environment', 'release-env']) {
    const v = client[name];
    if (v !== undefined && (Array.isArray(v) ? v.join('') : v).trim() !== '') return name;
  }
  return null;
}
