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

export type TokenResponseRewrite = (body: Record<string, unknown>) => Record<string, unknown>;

/** Deliberate misbehaviour, for tests of the relying party's checks. */
export interface MockIdpFaults {
  /** Replace the `nonce` of incoming authorization requests with this value. */
  nonce: string | null;
  /** Rewrite successful token responses in transit (e.g. tamper with the ID token). */
  tokenResponse: TokenResponseRewrite | null;
}

export interface MockIdp {
  /** Issuer URL (http://localhost:<port>). */
  readonly issuer: string;
  readonly port: number;
  readonly faults: MockIdpFaults;
  /** The `kid` of the key that signs ID tokens now. */
  readonly kid: string;
  /**
   * Rotates the signing key: a new key with a new `kid` signs from now on and is the only one in
   * the JWKS. Sign-ins in progress are forgotten (the provider's state is in memory).
   */
  rotateKeys(): void;
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
  provider: Provider;
  /** The provider's request handler (made once per provider). */
  callback: ReturnType<Provider['callback']>;
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

/** Applies `rewrite` to the JSON body oidc-provider ends a successful response with. */
function rewriteJsonBody(res: ServerResponse, rewrite: TokenResponseRewrite): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (res.statusCode !== 200 || chunk === undefined) return end(chunk);
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    const body = JSON.stringify(rewrite(JSON.parse(text) as Record<string, unknown>));
    res.setHeader('content-length', Buffer.byteLength(body));
    return end(body);
  }) as ServerResponse['end'];
}

/** Health, the stylesheet and the favicon; true when `url` was one of them. */
function servedStatic(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== 'GET') return false;
  if (url.pathname === '/health')
    send(res, 200, 'application/json', '{"status":"ok","service":"mock-idp"}\n', ctx.pageCsp);
  else if (url.pathname === '/mock-idp.css')
    send(res, 200, 'text/css; charset=utf-8', STYLESHEET, ctx.pageCsp);
  else if (url.pathname === '/favicon.ico') res.writeHead(204).end();
  else return false;
  return true;
}

function handler(ctx: Context, faults: MockIdpFaults) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://mock-idp.invalid');
    if (servedStatic(ctx, req, res, url)) return;
    if (url.pathname.startsWith('/interaction/')) {
      interaction(ctx, req, res, url.pathname).catch((err: unknown) => {
        const message = `This sign-in request is no longer valid (${(err as Error).message}). Start again from the application.`;
        if (!res.headersSent)
          send(res, 400, 'text/html; charset=utf-8', errorPage(message), ctx.pageCsp);
      });
      return;
    }
    if (url.pathname === '/auth' || url.pathname.startsWith('/auth/')) startFresh(req, url, faults);
    if (url.pathname === '/token' && faults.tokenResponse !== null)
      rewriteJsonBody(res, faults.tokenResponse);
    ctx.callback(req, res);
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
  let rotations = 1;
  let kid = 'mock-idp-1';
  const provider = createProvider(issuer, clients, users, kid);
  const ctx: Context = {
    provider,
    callback: provider.callback(),
    users,
    pageCsp: pageCsp(clients),
  };
  const faults: MockIdpFaults = { nonce: null, tokenResponse: null };
  server.on('request', handler(ctx, faults));
  return {
    issuer,
    port,
    faults,
    get kid() {
      return kid;
    },
    rotateKeys() {
      rotations += 1;
      kid = `mock-idp-${rotations}`;
      ctx.provider = createProvider(issuer, clients, users, kid);
      ctx.callback = ctx.provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
