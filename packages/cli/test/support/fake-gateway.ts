// A small gateway for CLI tests: the CLI login endpoints of identity.md §4 (loopback and poll),
// /info, logout, MFA verify, the env API (backed by the mock rack) and the rack proxy with
// configurable permission denials, MFA demands (identity.md §14.10) and rate limits.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { RackClient } from '@rack-gateway/convox';
import type { MockRack } from '@rack-gateway/mock-rack';
import { handleEnv } from './fake-env-api.js';
import {
  type Refusal,
  readJson,
  refuseUpgrade,
  sendJson,
  sendRefusal,
} from './gateway-responses.js';
import { PROXY_PREFIX, relayHttp, relayUpgrade } from './rack-relay.js';

/** The real gateway's words for a code that was already used (it is not counted as a guess). */
const REUSED = 'this code was already used; get a fresh one';

export interface FakeUser {
  readonly email: string;
  readonly name: string;
  readonly roles: string[];
}

interface Credential {
  readonly user: FakeUser;
  readonly kind: 'session' | 'api_token';
  stepUpUntil: number;
  readonly absoluteExpiresAt: string;
  readonly idleExpiresAt: string;
}

interface LoginState {
  readonly challenge: string;
  readonly redirectUri: string | undefined;
  status: 'pending' | 'approved' | 'denied' | 'failed' | 'consumed';
  /** Where a pending login stands, as the real gateway reports it in a 202. */
  stage: 'waiting_for_browser' | 'at_identity_provider';
  failure?: string;
  loginCode?: string;
  readonly deviceId: string;
}

export interface Rule {
  readonly method?: string;
  readonly path: RegExp;
}

export const DEPLOYER: FakeUser = {
  email: 'deployer@example.com',
  name: 'Deployer User',
  roles: ['deployer'],
};
const DAY = 86_400_000;

export class FakeGateway {
  url = '';
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers'] }[] = [];
  readonly login = {
    user: DEPLOYER,
    approve: true,
    failure: undefined as string | undefined,
    tamperChallenge: false,
    /** The browser reaches an identity provider that does not know the CLI callback and stays. */
    strandAtIdp: false,
    /** Lifetime of a login state (the real one: 10 minutes). */
    lifetimeMs: 600_000,
  };
  readonly mfa: (Rule & { level: 'step-up' | 'always' })[] = [];
  readonly denials: (Rule & { permission: string })[] = [];
  readonly rateLimits: (Rule & { remaining: number; retryAfter: number })[] = [];
  readonly validCodes = new Set<string>(['123456', '654321', '111111']);
  readonly usedCodes = new Set<string>();
  /** E-mails of locked users: every credential of theirs gets 403 `account_locked`. */
  readonly lockedUsers = new Set<string>();
  mfaEnrolled = true;
  readonly credentials = new Map<string, Credential>();
  private readonly states = new Map<string, LoginState>();
  private readonly server: Server;
  readonly rackClient: RackClient;

  constructor(readonly rack: MockRack) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) =>
        sendJson(res, 500, { error: 'internal', message: String(err) }),
      );
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.rackClient = new RackClient({
      url: `http://convox:${rack.password}@127.0.0.1:${rack.port}`,
    });
  }

  static async start(rack: MockRack): Promise<FakeGateway> {
    const gw = new FakeGateway(rack);
    await new Promise<void>((resolve) => gw.server.listen(0, '127.0.0.1', () => resolve()));
    gw.url = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
    return gw;
  }

  async close(): Promise<void> {
    await this.rackClient.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A session token for `user` (what a completed login returns). */
  issue(
    user: FakeUser = DEPLOYER,
    kind: 'session' | 'api_token' = 'session',
    expiresInMs = 90 * DAY,
    stepUp = true,
  ): string {
    const token =
      kind === 'api_token'
        ? `rgw_${randomBytes(16).toString('hex')}`
        : randomBytes(32).toString('base64url');
    const at = new Date(Date.now() + expiresInMs).toISOString();
    this.credentials.set(token, {
      user,
      kind,
      stepUpUntil: stepUp ? Date.now() + 600_000 : 0,
      absoluteExpiresAt: at,
      idleExpiresAt: at,
    });
    return token;
  }

  /** The browser side of a login: visits auth_url and follows redirects (to the loopback too). */
  async browse(authUrl: string): Promise<void> {
    const res = await fetch(authUrl);
    await res.text();
  }

  private credentialOf(req: IncomingMessage): Credential | undefined {
    const auth = req.headers.authorization ?? '';
    let token = '';
    if (auth.startsWith('Bearer ')) token = auth.slice(7);
    if (auth.startsWith('Basic '))
      token = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':');
    return this.credentials.get(token.split('.')[0] ?? '');
  }

  private matches<T extends Rule>(rules: T[], method: string, path: string): T | undefined {
    return rules.find((r) => (r.method === undefined || r.method === method) && r.path.test(path));
  }

  /** Authorization of a request: undefined when allowed, else the refusal. */
  private authorize(
    req: IncomingMessage,
    path: string,
    cred: Credential | undefined,
  ): Refusal | undefined {
    const method = req.headers.upgrade ? 'SOCKET' : (req.method ?? 'GET');
    if (cred === undefined)
      return {
        status: 401,
        code: 'unauthenticated',
        message: 'rack-gateway: unauthenticated. Run: rack-gateway login',
      };
    if (this.lockedUsers.has(cred.user.email))
      return { status: 403, code: 'account_locked', message: 'account locked: ask an admin' };
    const limited = this.matches(this.rateLimits, method, path);
    if (limited && limited.remaining > 0) {
      limited.remaining -= 1;
      return {
        status: 429,
        code: 'rate_limit_exceeded',
        message: 'rate limit exceeded',
        headers: { 'Retry-After': String(limited.retryAfter) },
      };
    }
    const denied = this.matches(this.denials, method, path);
    if (denied)
      return {
        status: 403,
        code: 'permission_denied',
        message: `You don't have permission to perform this action (requires ${denied.permission}).`,
        headers: { 'X-Required-Permission': denied.permission },
      };
    const rule = this.matches(this.mfa, method, path);
    return rule ? this.checkMfa(req, cred, rule.level) : undefined;
  }

  private checkMfa(
    req: IncomingMessage,
    cred: Credential,
    level: 'step-up' | 'always',
  ): Refusal | undefined {
    const headers = {
      'X-MFA-Required': level,
      'X-MFA-Level': level.replace('-', '_'),
      'X-MFA-Methods': 'totp',
    };
    if (!this.mfaEnrolled)
      return {
        status: 403,
        code: 'mfa_enrollment_required',
        message: 'enrol',
        headers: { 'X-MFA-Required': 'enrollment' },
      };
    const code = req.headers['x-mfa-totp'];
    if (typeof code === 'string') {
      if (this.usedCodes.has(code))
        return { status: 401, code: 'mfa_verification_failed', message: REUSED, headers };
      if (!this.validCodes.has(code))
        return { status: 401, code: 'mfa_verification_failed', message: 'invalid code', headers };
      this.usedCodes.add(code);
      cred.stepUpUntil = Date.now() + 600_000;
      return undefined;
    }
    if (level === 'step-up' && (cred.kind === 'api_token' || cred.stepUpUntil > Date.now()))
      return undefined;
    const error = level === 'always' ? 'mfa_required' : 'mfa_step_up_required';
    return {
      status: 401,
      code: error,
      message: `Multi-factor authentication (${level}) is required.`,
      headers,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
    if (url.pathname.startsWith('/api/v1/auth/cli/')) return this.cliLogin(req, res, url);
    if (url.pathname.startsWith('/app/')) return void res.end('page');
    const cred = this.credentialOf(req);
    const rackFormat = url.pathname.startsWith(`${PROXY_PREFIX}/`);
    const refused = this.authorize(
      req,
      rackFormat ? url.pathname.slice(PROXY_PREFIX.length) : url.pathname,
      cred,
    );
    if (refused || cred === undefined)
      return sendRefusal(
        req,
        res,
        refused ?? { status: 401, code: 'unauthenticated', message: 'unauthenticated' },
        rackFormat,
      );
    if (rackFormat) return relayHttp(req, res, this.rack);
    return this.api(req, res, url, cred);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: 'SOCKET', path, headers: req.headers });
    const refused = this.authorize(req, path.slice(PROXY_PREFIX.length), this.credentialOf(req));
    if (refused) refuseUpgrade(socket, refused);
    else relayUpgrade(req, socket, head, this.rack);
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    cred: Credential,
  ): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/v1/info') return sendJson(res, 200, this.info(cred));
    if (route === 'POST /api/v1/auth/logout') {
      for (const [token, c] of this.credentials) if (c === cred) this.credentials.delete(token);
      return sendJson(res, 200, { redirect: '/app/login' });
    }
    if (route === 'POST /api/v1/auth/mfa/verify') {
      const { code } = await readJson(req);
      if (typeof code === 'string' && this.usedCodes.has(code))
        return sendJson(res, 401, { error: 'mfa_verification_failed', message: REUSED });
      if (typeof code !== 'string' || !this.validCodes.has(code))
        return sendJson(res, 401, { error: 'mfa_verification_failed', message: 'Invalid code.' });
      this.usedCodes.add(code);
      cred.stepUpUntil = Date.now() + 600_000;
      return sendJson(res, 200, {
        recent_step_up_expires_at: new Date(cred.stepUpUntil).toISOString(),
      });
    }
    if (url.pathname.startsWith('/api/v1/apps/')) return handleEnv(this.rackClient, req, res, url);
    sendJson(res, 404, { error: 'not_found', message: 'not found' });
  }

  info(cred: Credential): unknown {
    const session = cred.kind === 'session';
    return {
      user: {
        ...cred.user,
        permissions: [],
        mfa_enrolled: this.mfaEnrolled,
        mfa_required: true,
        mfa_state: 'verified',
        preferred_mfa_method: 'totp',
        recent_step_up_expires_at: cred.stepUpUntil
          ? new Date(cred.stepUpUntil).toISOString()
          : null,
        has_trusted_device: false,
      },
      rack: { name: 'mock-rack', alias: 'mock', display_name: 'Mock rack' },
      version: { version: '9.9.9', commit: 'abcdef1' },
      session: session
        ? {
            id: randomUUID(),
            channel: 'cli',
            idle_expires_at: cred.idleExpiresAt,
            absolute_expires_at: cred.absoluteExpiresAt,
          }
        : null,
      token: session ? null : { id: randomUUID(), name: 'ci', expires_at: null },
      csrf_token: 'x',
    };
  }

  private async cliLogin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const step = url.pathname.slice('/api/v1/auth/cli/'.length);
    if (step === 'start' && req.method === 'POST') return this.start(req, res);
    if (step === 'authorize')
      return this.authorizeBrowser(res, url.searchParams.get('state') ?? '');
    if (step === 'complete' && req.method === 'POST') return this.complete(req, res);
    sendJson(res, 404, { error: 'not_found', message: 'not found' });
  }

  private async start(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const allowed = [
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'device_id',
      'device_name',
      'device_os',
      'client_version',
    ];
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    const redirect = body.redirect_uri as string | undefined;
    const valid =
      extra.length === 0 &&
      /^[A-Za-z0-9_-]{43}$/.test(String(body.code_challenge)) &&
      body.code_challenge_method === 'S256' &&
      (redirect === undefined || /^http:\/\/127\.0\.0\.1:\d{4,5}\/callback$/.test(redirect)) &&
      /^[0-9a-f-]{36}$/.test(String(body.device_id)) &&
      typeof body.device_name === 'string' &&
      typeof body.device_os === 'string' &&
      typeof body.client_version === 'string';
    if (!valid)
      return sendJson(res, 400, {
        error: 'invalid_request',
        message: `bad start body ${JSON.stringify(body)}`,
      });
    const state = randomBytes(32).toString('base64url');
    const challenge = this.login.tamperChallenge ? 'x'.repeat(43) : String(body.code_challenge);
    this.states.set(state, {
      challenge,
      redirectUri: redirect,
      status: 'pending',
      stage: 'waiting_for_browser',
      deviceId: String(body.device_id),
    });
    sendJson(res, 201, {
      state,
      auth_url: `${this.url}/api/v1/auth/cli/authorize?state=${state}`,
      expires_at: new Date(Date.now() + this.login.lifetimeMs).toISOString(),
      poll_interval_seconds: 0.02,
      mode: redirect ? 'loopback' : 'poll',
    });
  }

  private authorizeBrowser(res: ServerResponse, state: string): void {
    const login = this.states.get(state);
    if (!login)
      return void res.writeHead(302, { Location: '/app/auth/error?reason=state_expired' }).end();
    if (this.login.strandAtIdp) {
      login.stage = 'at_identity_provider';
      return void res.writeHead(400).end('Bad Request: Unregistered redirect_uri');
    }
    const error = this.login.failure ?? (this.login.approve ? undefined : 'login_denied');
    if (error) {
      login.status = error === 'login_denied' ? 'denied' : 'failed';
      login.failure = error;
    } else {
      login.status = 'approved';
      login.loginCode = randomBytes(32).toString('base64url');
    }
    if (!login.redirectUri) return void res.writeHead(200).end('done');
    const q = error ? `error=${error}` : `code=${login.loginCode}`;
    res.writeHead(302, { Location: `${login.redirectUri}?state=${state}&${q}` }).end();
  }

  private async complete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const login = this.states.get(String(body.state));
    const refuse = (error: string) => sendJson(res, 400, { error, message: error });
    if (!login || login.status === 'consumed') return refuse('invalid_state');
    if (login.status === 'denied') return refuse('login_denied');
    if (login.status === 'failed') return refuse(login.failure ?? 'idp_error');
    const hashed = createHash('sha256').update(String(body.code_verifier)).digest('base64url');
    if (hashed !== login.challenge) return refuse('invalid_verifier');
    if (login.status !== 'approved' || (login.redirectUri && body.code === undefined))
      return sendJson(res, 202, {
        status: 'pending',
        stage: login.status === 'approved' ? 'approved' : login.stage,
      });
    if (login.redirectUri && body.code !== login.loginCode) return refuse('invalid_code');
    login.status = 'consumed';
    const token = this.issue(this.login.user);
    const cred = this.credentials.get(token);
    sendJson(res, 200, {
      token,
      session_id: randomUUID(),
      ...this.login.user,
      channel: 'cli',
      expires_at: cred?.absoluteExpiresAt,
      idle_expires_at: cred?.idleExpiresAt,
      idle_timeout_seconds: 2_592_000,
      device_id: login.deviceId,
      device_name: 'test-host',
      mfa_enrolled: true,
      mfa_required: true,
    });
  }
}
