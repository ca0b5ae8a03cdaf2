// Host and Origin validation (identity.md §11): the Host must be exactly PUBLIC_URL's host (or an
// ALLOWED_HOSTS name; loopback probes and health are exempt); an Origin, when sent, must be the
// public origin (plus the web dev server in development). A look-alike that merely contains the
// public host is refused, and so is an authority with anything after the port
// (`localhost:8447.evil.example`) or a request carrying more than one Host header.
import type { FastifyRequest } from 'fastify';
import { ALLOW, type Decision, deny } from '../access/decision.js';
import type { Config } from '../config/types.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

// An authority is a DNS name (optionally with a trailing dot), an IPv4 address or a bracketed IPv6
// address, then at most a numeric port: nothing else may follow.
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const AUTHORITY = new RegExp(
  `^(\\[[0-9a-f:.]+\\]|${LABEL}(?:\\.${LABEL})*\\.?)(?::(\\d{1,5}))?$`,
  'i',
);

/** The lower-cased host of an authority without port and trailing dot; null when malformed. */
export function parseAuthority(raw: string): string | null {
  const match = AUTHORITY.exec(raw.trim());
  const host = match?.[1]?.toLowerCase();
  if (host === undefined || Number(match?.[2] ?? '0') > 65_535) return null;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Node keeps one of several Host headers; the raw header list shows them all. */
function hostHeaderCount(request: FastifyRequest): number {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'host') count += 1;
  return count;
}

export function allowedOrigins(config: Config): readonly string[] {
  const origins = [config.server.publicUrl.origin];
  if (config.devMode && config.web.devServerUrl !== null)
    origins.push(config.web.devServerUrl.origin);
  return origins;
}

export function createHostCheck(config: Config): (request: FastifyRequest) => Decision {
  const hosts = new Set(
    [config.server.publicUrl.host, ...config.server.allowedHosts].map(parseAuthority),
  );
  return (request) => {
    if (request.url === '/api/v1/health' || request.url.startsWith('/api/v1/health?')) return ALLOW;
    if (hostHeaderCount(request) > 1) return deny('invalid_host');
    const host = parseAuthority(request.host ?? '');
    return host !== null && (hosts.has(host) || LOOPBACK.has(host)) ? ALLOW : deny('invalid_host');
  };
}

export function createOriginCheck(config: Config): (request: FastifyRequest) => Decision {
  const origins = new Set(allowedOrigins(config));
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return ALLOW;
    return origins.has(origin) ? ALLOW : deny('invalid_origin');
  };
}

/** A state-changing cookie request must show where it came from: Origin, or a same-origin Referer. */
export function hasSameOriginSource(config: Config, request: FastifyRequest): boolean {
  if (request.headers.origin !== undefined) return true;
  const referer = request.headers.referer;
  if (referer === undefined) return false;
  try {
    return allowedOrigins(config).includes(new URL(referer).origin);
  } catch {
    return false;
  }
}
