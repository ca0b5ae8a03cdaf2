// A gateway in front of a mock rack for the rack-proxy and web-safe API suites: real OIDC sign-in
// (CLI tokens and web sessions per demo user, cached), the fake MFA stand-in, helpers for Basic
// credentials and sockets. Everything listens on random ports.
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import WebSocket from 'ws';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import {
  type HarnessOptions,
  type IdentityHarness,
  startIdentityHarness,
} from '../support/identity-harness.js';
import { signInCli, signInWeb, type WebSession } from '../support/sign-in.js';

export const RACK_PASSWORD = 'rack-pass';
export const TOTP = FAKE_TOTP_CODE;
export type DemoUser = 'viewer' | 'ops' | 'deployer' | 'admin';

export interface ProxyHarness {
  readonly rack: MockRack;
  readonly h: IdentityHarness;
  /** `http://localhost:<port>/api/v1/rack-proxy` */
  readonly proxyUrl: string;
  cliToken(user: DemoUser): Promise<string>;
  web(user: DemoUser): Promise<WebSession>;
  userId(email: string): Promise<number>;
  /**
   * Gives the user a confirmed (fake) TOTP method, so step-up and always need `TOTP`; the user's
   * CLI token and web session are made before.
   */
  enrol(user: DemoUser): Promise<void>;
  close(): Promise<void>;
}

export const emailOf = (user: DemoUser): string => `${user}@example.com`;
export const basic = (credential: string): string =>
  `Basic ${Buffer.from(`convox:${credential}`).toString('base64')}`;

export async function startProxyHarness(options: HarnessOptions = {}): Promise<ProxyHarness> {
  const rack = await startMockRack({ port: 0, password: RACK_PASSWORD });
  const h = await startIdentityHarness({
    ...options,
    env: { RACK_HOST: rack.url, RACK_TOKEN: RACK_PASSWORD, ...options.env },
  });
  const tokens = new Map<DemoUser, Promise<string>>();
  const sessions = new Map<DemoUser, Promise<WebSession>>();
  const userId = async (email: string): Promise<number> => {
    const rows = await h.database.db.query<{ id: string }>(
      'SELECT id FROM users WHERE email = $1',
      [email],
    );
    return Number(rows[0]?.id);
  };
  const cliToken = (user: DemoUser): Promise<string> => {
    if (!tokens.has(user)) tokens.set(user, signInCli(h.url, emailOf(user)));
    return tokens.get(user) as Promise<string>;
  };
  const web = (user: DemoUser): Promise<WebSession> => {
    if (!sessions.has(user)) sessions.set(user, signInWeb(h.url, emailOf(user)));
    return sessions.get(user) as Promise<WebSession>;
  };
  return {
    rack,
    h,
    proxyUrl: `${h.url}/api/v1/rack-proxy`,
    cliToken,
    web,
    userId,
    async enrol(user) {
      // Sign in first: once enrolled, approving a CLI login needs the code too.
      await Promise.all([cliToken(user), web(user)]);
      h.mfa.enrolled.add(await userId(emailOf(user)));
    },
    async close() {
      await h.close();
      await rack.close();
    },
  };
}

export interface OpenedSocket {
  readonly socket: WebSocket;
  readonly frames: Buffer[];
  /** Resolves with the close code once the gateway or the rack closed the socket. */
  readonly closed: Promise<number>;
}

/** Opens a WebSocket; resolves once open, rejects with the HTTP status of a refused handshake. */
export function openSocket(url: string, headers: Record<string, string>): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers,
      skipUTF8Validation: true,
      perMessageDeflate: false,
    });
    const frames: Buffer[] = [];
    const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
    socket.on('message', (data) => frames.push(Buffer.from(data as Buffer)));
    socket.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        req.destroy();
        const status = res.statusCode;
        reject(
          Object.assign(new Error(`handshake ${status}: ${body}`), {
            status,
            body,
            headers: res.headers,
          }),
        );
      });
    });
    socket.once('open', () => resolve({ socket, frames, closed }));
    socket.once('error', (err) => reject(err));
  });
}

export interface RawResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A request with a Bearer token or a web session, body as JSON; the answer as text. */
export async function send(
  url: string,
  caller: { bearer: string } | { web: WebSession },
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResult> {
  const all: Record<string, string> = { ...headers };
  if ('bearer' in caller) all.authorization = `Bearer ${caller.bearer}`;
  else {
    all.cookie = `rgw_session=${caller.web.token}`;
    all['x-csrf-token'] = caller.web.csrf;
    all.origin = new URL(url).origin;
  }
  if (body !== undefined) all['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers: all,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
