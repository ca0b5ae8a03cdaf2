// Host and Origin validation (identity.md §11): the Host must be exactly PUBLIC_URL's host (or an
// ALLOWED_HOSTS name; loopback probes and health are exempt); an Origin, when sent, must be the
// public origin (plus the web dev server in development). A look-alike that merely contains the
// public host is refused.
import type { FastifyRequest } from 'fastify';
import { ALLOW, type Decision, deny } from '../access/decision.js';
import type { Config } from '../config/types.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function normaliseHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
  else host = host.split(':')[0] ?? '';
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function allowedOrigins(config: Config): readonly string[] {
  const origins = [config.server.publicUrl.origin];
  if (config.devMode && config.web.devServerUrl !== null)
    origins.push(config.web.devServerUrl.origin);
  return origins;
}

export function createHostCheck(config: Config): (request: FastifyRequest) => Decision {
  const hosts = new Set([
    normaliseHost(config.server.publicUrl.host),
    ...config.server.allowedHosts.map(normaliseHost),
  ]);
  return (request) => {
    if (request.url === '/api/v1/health' || request.url.startsWith('/api/v1/health?')) return ALLOW;
    const host = normaliseHost(request.host ?? '');
    return hosts.has(host) || LOOPBACK.has(host) ? ALLOW : deny('invalid_host');
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
