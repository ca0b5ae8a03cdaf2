// Security headers on every response (identity.md §10): a strict CSP with a fresh nonce for HTML,
// a deny-all CSP for everything else, and no caching of API responses or index.html.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    cspNonce: string | null;
  }
}

const STATIC_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-xss-protection': '0',
  'permissions-policy':
    'camera=(), microphone=(), geolocation=(), publickey-credentials-get=(self), publickey-credentials-create=(self)',
};

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The nonce for this request's HTML, created on first use. */
export function nonceFor(request: FastifyRequest): string {
  request.cspNonce ??= newNonce();
  return request.cspNonce;
}

export function htmlCsp(config: Config, nonce: string): string {
  const https = config.server.publicUrl.protocol === 'https:';
  const dev = config.server.strictCsp ? null : config.web.devServerUrl;
  const devOrigin = dev ? ` ${dev.origin}` : '';
  const devWs = dev ? ` ${dev.origin.replace(/^http/, 'ws')}` : '';
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${devOrigin}`,
    dev ? `style-src 'self' 'unsafe-inline'${devOrigin}` : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${devOrigin}${devWs}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  app.decorateRequest('cspNonce', null);
  const hsts = config.mode === 'production' && config.server.publicUrl.protocol === 'https:';
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(STATIC_HEADERS);
    if (hsts) reply.header('strict-transport-security', 'max-age=63072000');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', htmlCsp(config, nonceFor(request)));
    } else {
      reply.header('content-security-policy', API_CSP);
    }
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    reply.header('x-request-id', request.id);
    return payload;
  });
}
