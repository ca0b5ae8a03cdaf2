// Sign in through the real protocol and get credentials later suites reuse:
// `signInWeb` (browser session cookie + CSRF token) and `signInCli` (a CLI session Bearer token via
// the loopback or the poll flow, approved in the browser).
import { createHash, randomBytes } from 'node:crypto';
import { signInThroughIdp } from './mock-idp-sign-in.js';
import { type BrowserResponse, last, TestBrowser } from './test-browser.js';

export interface WebSession {
  readonly browser: TestBrowser;
  /** The session cookie value (raw token). */
  readonly token: string;
  readonly csrf: string;
  /** Every response from the login start to the final redirect. */
  readonly history: readonly BrowserResponse[];
}

const sessionCookie = (browser: TestBrowser, url: string): string | undefined =>
  browser.jar.get(new URL(url).hostname, 'rgw_session');

/** Signs `email` in through the browser flow; stops at the gateway's final redirect. */
export async function signInWeb(
  gatewayUrl: string,
  email: string,
  options: { browser?: TestBrowser; returnTo?: string } = {},
): Promise<WebSession> {
  const browser = options.browser ?? new TestBrowser();
  const start = `${gatewayUrl}/api/v1/auth/web/login?returnTo=${encodeURIComponent(options.returnTo ?? '/app/rack')}`;
  const history = await signInThroughIdp(browser, start, email, {
    stop: (next) => next.origin === gatewayUrl && next.pathname.startsWith('/app/'),
  });
  const token = sessionCookie(browser, gatewayUrl);
  if (token === undefined)
    throw new Error(`sign-in of ${email} gave no session cookie: ${last(history).location}`);
  const info = await browser.request(`${gatewayUrl}/api/v1/info`);
  const csrf = (JSON.parse(info.body) as { csrf_token?: string }).csrf_token ?? '';
  return { browser, token, csrf, history };
}

export interface CliLogin {
  readonly state: string;
  readonly verifier: string;
  readonly authUrl: string;
  readonly mode: 'loopback' | 'poll';
  readonly redirectUri: string | null;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `POST /auth/cli/start` as the CLI does (loopback when `loopbackPort` is given). */
export async function startCliLogin(gatewayUrl: string, loopbackPort?: number): Promise<CliLogin> {
  const { verifier, challenge } = pkcePair();
  const redirectUri =
    loopbackPort === undefined ? null : `http://127.0.0.1:${loopbackPort}/callback`;
  const res = await fetch(`${gatewayUrl}/api/v1/auth/cli/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(redirectUri ? { redirect_uri: redirectUri } : {}),
      device_name: 'test-laptop',
      device_os: 'linux',
      client_version: '0.1.0',
    }),
  });
  if (res.status !== 201) throw new Error(`cli start: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { state: string; auth_url: string; mode: 'loopback' | 'poll' };
  return { state: body.state, verifier, authUrl: body.auth_url, mode: body.mode, redirectUri };
}

/** The browser half: sign in at the IdP from `auth_url`, then approve on the approval page API. */
export async function approveCliLogin(
  gatewayUrl: string,
  login: CliLogin,
  email: string,
  browser = new TestBrowser(),
): Promise<{ redirect: string; browser: TestBrowser }> {
  await signInThroughIdp(browser, login.authUrl, email, {
    stop: (next) => next.origin === gatewayUrl && next.pathname.startsWith('/app/'),
  });
  return { redirect: await approveSignedIn(gatewayUrl, login.state, browser), browser };
}

/** Approve button of the approval page, for a browser already signed in through `auth_url`. */
export async function approveSignedIn(
  gatewayUrl: string,
  state: string,
  browser: TestBrowser,
): Promise<string> {
  const info = JSON.parse((await browser.request(`${gatewayUrl}/api/v1/info`)).body) as {
    csrf_token: string;
  };
  const res = await browser.request(`${gatewayUrl}/api/v1/auth/cli/approve`, {
    json: { state },
    headers: { 'x-csrf-token': info.csrf_token, origin: gatewayUrl },
  });
  if (res.status !== 200) throw new Error(`approve: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { redirect: string }).redirect;
}

export async function completeCliLogin(
  gatewayUrl: string,
  body: { state: string; code_verifier: string; code?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gatewayUrl}/api/v1/auth/cli/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A CLI session token for `email` through the headless (poll) flow. */
export async function signInCli(gatewayUrl: string, email: string): Promise<string> {
  const login = await startCliLogin(gatewayUrl);
  await approveCliLogin(gatewayUrl, login, email);
  const done = await completeCliLogin(gatewayUrl, {
    state: login.state,
    code_verifier: login.verifier,
  });
  if (done.status !== 200)
    throw new Error(`cli complete: ${done.status} ${JSON.stringify(done.body)}`);
  return String(done.body.token);
}
