// Serves the built web client under /app: hashed assets with a long cache, every other /app path
// gets index.html (SPA fallback) with this response's CSP nonce and the identity provider's display
// name (the sign-in button names it) written into it.
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerRoute } from './register-route.js';
import { nonceFor } from './security-headers.js';

export interface SpaOptions {
  /** Directory holding the Vite build (index.html, assets/). */
  readonly distDir: string;
  /** `OIDC_DISPLAY_NAME`, named by the sign-in button ("Continue with <name>"). */
  readonly idpDisplayName: string;
}

const escapeAttr = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function renderIndexHtml(
  template: string,
  values: { nonce: string; csrfToken?: string | null; idpDisplayName?: string },
): string {
  const metas = [`<meta name="rgw-csp-nonce" content="${escapeAttr(values.nonce)}">`];
  if (values.idpDisplayName)
    metas.push(`<meta name="rgw-idp-name" content="${escapeAttr(values.idpDisplayName)}">`);
  if (values.csrfToken)
    metas.push(`<meta name="rgw-csrf-token" content="${escapeAttr(values.csrfToken)}">`);
  return template
    .replace(/<script\b/g, `<script nonce="${escapeAttr(values.nonce)}"`)
    .replace(/<link\b/g, `<link nonce="${escapeAttr(values.nonce)}"`)
    .replace('</head>', `${metas.join('')}</head>`);
}

const MISSING_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rack Gateway</title></head>
<body><h1>Rack Gateway</h1><p>The web client is not built. Run <code>npm run build -w packages/web</code>.</p></body></html>`;

export function registerSpa(app: FastifyInstance, options: SpaOptions): void {
  const indexPath = join(options.distDir, 'index.html');
  const template = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : MISSING_BUILD;
  const assetsDir = join(options.distDir, 'assets');
  app.register(fastifyStatic, { root: options.distDir, serve: false });

  const sendIndex = (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        renderIndexHtml(template, {
          nonce: nonceFor(request),
          csrfToken: request.csrfTokenForPage ?? null,
          idpDisplayName: options.idpDisplayName,
        }),
      );

  registerRoute(app, {
    method: 'GET',
    path: '/',
    handler: (_req, reply) => reply.redirect('/app/', 302),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/app',
    handler: (_req, reply) => reply.redirect('/app/', 302),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/app/*',
    handler: (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      if (rest.startsWith('assets/')) {
        const file = normalize(rest.slice('assets/'.length));
        if (file.startsWith('..') || !existsSync(join(assetsDir, file))) {
          return reply.code(404).type('text/plain; charset=utf-8').send('asset not found');
        }
        return reply.sendFile(file, assetsDir, { immutable: true, maxAge: '365d' });
      }
      if (
        /^[\w.-]+\.(svg|png|ico|txt|webmanifest)$/.test(rest) &&
        existsSync(join(options.distDir, rest))
      ) {
        return reply.sendFile(rest, options.distDir, { maxAge: '1d' });
      }
      return sendIndex(request, reply);
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: '/favicon.ico',
    handler: (_req, reply) =>
      existsSync(join(options.distDir, 'favicon.svg'))
        ? reply.sendFile('favicon.svg', options.distDir, { maxAge: '1d' })
        : reply.code(204).send(),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/robots.txt',
    handler: (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /\n'),
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by identity when the page request carries a valid session (written into index.html). */
    csrfTokenForPage: string | null;
  }
}
