/// <reference path="./oidc-provider.d.ts" />
// The mock IdP's HTTP server: health, the sign-in page and its form posts, and everything else
// (discovery, JWKS, authorization, token, userinfo) handled by oidc-provider.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { createProvider, type MockIdpClient } from './provider.js';
import { errorPage, STYLESHEET, signInPage } from './sign-in-page.js';
import { DEFAULT_USERS, type MockIdpUser } from './users.js';

export type { MockIdpClient } from './provider.js';

export interface MockIdpOptions {
  /** Port to listen on; 0 picks a free one. Default 3345. */
  readonly port?: number;
  readonly host?: string;
  readonly clients?: readonly MockIdpClient[];
  /** Accounts on the sign-in page (default: the demo users and the refusal cases). */
  readonly users?: readonly MockIdpUser[];
}

/** Deliberate misbehaviour, for tests of the relying party's checks. */
export interface MockIdpFaults {
  /** Replace the `nonce` of incoming authorization requests with this value. */
  nonce: string | null;
}

export interface MockIdp {
  /** Issuer URL (http://localhost:<port>). */
  readonly issuer: string;
  readonly port: number;
  readonly faults: MockIdpFaults;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 8192;

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM_BYTES) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, csp: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

interface Context {
  readonly provider: Provider;
  readonly users: readonly MockIdpUser[];
  readonly pageCsp: string;
}

async function interaction(ctx: Context, req: IncomingMessage, res: ServerResponse, path: string) {
  const [, , uid = '', action] = path.split('/');
  const details = await ctx.provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && action === undefined) {
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    send(res, 200, 'text/html; charset=utf-8', signInPage(uid, ctx.users, hint), ctx.pageCsp);
    return;
  }
  if (req.method === 'POST' && action === 'abort') {
    await ctx.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The person cancelled the sign-in.' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const sub = (await readForm(req)).get('sub') ?? '';
    if (!ctx.users.some((u) => u.sub === sub)) throw new Error('unknown account');
    await ctx.provider.interactionFinished(
      req,
      res,
      { select_account: {}, login: { accountId: sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n', ctx.pageCsp);
}

/**
 * Every authorization starts without an IdP session (the person picks an account each time), so
 * switching accounts never needs oidc-provider's script-driven session-change page.
 */
function startFresh(req: IncomingMessage, url: URL, faults: MockIdpFaults): void {
  const cookies = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !c.startsWith('_session'));
  req.headers.cookie = cookies.join('; ');
  if (faults.nonce !== null && url.pathname === '/auth' && url.searchParams.has('nonce')) {
    url.searchParams.set('nonce', faults.nonce);
    req.url = `${url.pathname}${url.search}`;
  }
}

function handler(ctx: Context, faults: MockIdpFaults) {
  const callback = ctx.provider.callback();
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://mock-idp.invalid');
    if (req.method === 'GET' && url.pathname === '/health') {
      send(res, 200, 'application/json', '{"status":"ok","service":"mock-idp"}\n', ctx.pageCsp);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/mock-idp.css') {
      send(res, 200, 'text/css; charset=utf-8', STYLESHEET, ctx.pageCsp);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      interaction(ctx, req, res, url.pathname).catch((err: unknown) => {
        const message = `This sign-in request is no longer valid (${(err as Error).message}). Start again from the application.`;
        if (!res.headersSent)
          send(res, 400, 'text/html; charset=utf-8', errorPage(message), ctx.pageCsp);
      });
      return;
    }
    if (url.pathname === '/auth' || url.pathname.startsWith('/auth/')) startFresh(req, url, faults);
    callback(req, res);
  };
}

function pageCsp(clients: readonly MockIdpClient[]): string {
  const origins = new Set(clients.flatMap((c) => c.redirectUris.map((u) => new URL(u).origin)));
  return `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${[...origins].join(' ')}; base-uri 'none'; frame-ancestors 'none'`;
}

export async function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3345, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://localhost:${port}`;
  const clients = options.clients ?? [];
  const users = options.users ?? DEFAULT_USERS;
  const provider = createProvider(issuer, clients, users);
  const faults: MockIdpFaults = { nonce: null };
  server.on('request', handler({ provider, users, pageCsp: pageCsp(clients) }, faults));
  return {
    issuer,
    port,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
