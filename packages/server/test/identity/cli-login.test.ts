// CLI login, server side (identity.md §4, §16 checks 4-5): the loopback flow with a real loopback
// listener, the headless poll flow, PKCE verified by the gateway, single-use 10-minute states,
// approval and denial in the browser, and the token returned exactly once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import {
  approveCliLogin,
  approveSignedIn,
  completeCliLogin,
  pkcePair,
  signInWeb,
  startCliLogin,
} from '../support/sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

/** The CLI's loopback listener: records the first callback query and answers 302 to success. */
async function loopbackListener(): Promise<{
  port: number;
  received: Promise<URLSearchParams>;
  close(): void;
}> {
  let deliver: (q: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((resolve) => {
    deliver = resolve;
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    deliver(url.searchParams);
    res.writeHead(302, { location: '/done' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
}

describe('CLI login', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('loopback mode: approve in the browser, the listener gets state and code, complete returns the token once', async () => {
    const listener = await loopbackListener();
    try {
      const login = await startCliLogin(h.url, listener.port);
      expect(login.mode).toBe('loopback');
      expect(login.authUrl).toBe(
        `${h.url}/api/v1/auth/cli/authorize?state=${encodeURIComponent(login.state)}`,
      );
      const { redirect, browser } = await approveCliLogin(h.url, login, 'ops@example.com');
      // The browser follows the redirect to the loopback listener, as a real one does.
      await browser.request(redirect);
      const query = await listener.received;
      expect(query.get('state')).toBe(login.state);
      const code = query.get('code') ?? '';
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const withoutCode = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: login.verifier,
      });
      expect(withoutCode).toEqual({ status: 202, body: { status: 'pending', stage: 'approved' } });
      const wrongCode = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: login.verifier,
        code: 'x'.repeat(43),
      });
      expect(wrongCode.status).toBe(400);
      expect(wrongCode.body.error).toBe('invalid_code');

      const done = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: login.verifier,
        code,
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        email: 'ops@example.com',
        roles: ['ops'],
        channel: 'cli',
        device_name: 'test-laptop',
        mfa_required: false,
      });
      expect(String(done.body.token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(h.audit.of('login.approve').at(-1)).toMatchObject({
        durable: true,
        details: { device_name: 'test-laptop', mfa_method: 'none' },
      });
      expect(h.audit.of('login.complete').at(-1)).toMatchObject({
        channel: 'cli',
        details: { channel: 'cli', device_name: 'test-laptop' },
      });

      const again = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: login.verifier,
        code,
      });
      expect(again.status).toBe(400);
      expect(again.body.error).toBe('invalid_state');

      const info = await fetch(`${h.url}/api/v1/info`, {
        headers: { authorization: `Bearer ${done.body.token}` },
      });
      expect(info.status).toBe(200);
      expect(((await info.json()) as { session: { channel: string } }).session.channel).toBe('cli');
      const basic = Buffer.from(`convox:${done.body.token}`).toString('base64');
      const viaBasic = await fetch(`${h.url}/api/v1/info`, {
        headers: { authorization: `Basic ${basic}` },
      });
      expect(viaBasic.status).toBe(200);
      expect(JSON.stringify(h.audit.events)).not.toContain(String(done.body.token));
      expect(JSON.stringify(h.audit.events)).not.toContain(code);
    } finally {
      listener.close();
    }
  });

  it('poll mode: pending until approved, then the session; the approval page shows the confirmation code', async () => {
    const login = await startCliLogin(h.url);
    expect(login.mode).toBe('poll');
    const pending = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(pending).toEqual({
      status: 202,
      body: { status: 'pending', stage: 'waiting_for_browser' },
    });
    const browser = new TestBrowser();
    const history = await signInThroughIdp(browser, login.authUrl, 'viewer@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    expect(last(history).location).toBe(
      `${h.url}/app/cli/login?state=${encodeURIComponent(login.state)}`,
    );
    const details = await browser.request(
      `${h.url}/api/v1/auth/cli/login?state=${encodeURIComponent(login.state)}`,
    );
    expect(details.status).toBe(200);
    expect(JSON.parse(details.body)).toMatchObject({
      confirmation_code: expect.stringMatching(/^[A-Z2-7]{4}-[A-Z2-7]{4}$/),
      device_name: 'test-laptop',
      device_os: 'linux',
      client_version: '0.1.0',
      status: 'authenticated',
    });
    expect(await approveSignedIn(h.url, login.state, browser)).toBe('/app/cli/success');
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done.status).toBe(200);
    expect(done.body.email).toBe('viewer@example.com');
  });

  it('a wrong verifier is 400 invalid_verifier; the fifth wrong one invalidates the state', async () => {
    const login = await startCliLogin(h.url);
    for (let i = 0; i < 5; i++) {
      const wrong = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: pkcePair().verifier,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_verifier');
    }
    expect(
      h.audit
        .of('login.failed')
        .filter((e) => (e.details as { reason: string }).reason === 'pkce_mismatch').length,
    ).toBeGreaterThanOrEqual(5);
    const right = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(right.status).toBe(400);
    expect(right.body.error).toBe('invalid_state');
  });

  it('a loopback state polled without its login code stays 202 after approval; an old state is expired', async () => {
    const login = await startCliLogin(h.url, 45678);
    await approveCliLogin(h.url, login, 'deployer@example.com');
    const polled = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(polled.status).toBe(202);
    h.clock.advanceMinutes(11);
    try {
      const late = await completeCliLogin(h.url, {
        state: login.state,
        code_verifier: login.verifier,
      });
      expect(late.status).toBe(400);
      expect(late.body.error).toBe('expired');
    } finally {
      h.clock.advanceMinutes(-11);
    }
  });

  it('deny: the CLI fails with login_denied and the loopback gets error=login_denied', async () => {
    const login = await startCliLogin(h.url, 45679);
    const browser = new TestBrowser();
    await signInThroughIdp(browser, login.authUrl, 'viewer@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const csrf = JSON.parse((await browser.request(`${h.url}/api/v1/info`)).body).csrf_token;
    const denied = await browser.request(`${h.url}/api/v1/auth/cli/deny`, {
      json: { state: login.state },
      headers: { 'x-csrf-token': csrf, origin: h.url },
    });
    expect(denied.status).toBe(200);
    expect(JSON.parse(denied.body).redirect).toBe(
      `http://127.0.0.1:45679/callback?state=${encodeURIComponent(login.state)}&error=login_denied`,
    );
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done).toMatchObject({ status: 400, body: { error: 'login_denied' } });
    expect(h.audit.of('login.failed').at(-1)).toMatchObject({
      status: 'denied',
      durable: true,
      details: { channel: 'cli', reason: 'denied' },
    });
  });

  it("another user's browser cannot see or approve the login (403 unauthorized); unknown state is 400", async () => {
    const login = await startCliLogin(h.url);
    await signInThroughIdp(new TestBrowser(), login.authUrl, 'viewer@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const other = await signInWeb(h.url, 'ops@example.com');
    const peek = await other.browser.request(
      `${h.url}/api/v1/auth/cli/login?state=${encodeURIComponent(login.state)}`,
    );
    expect(peek.status).toBe(403);
    expect(JSON.parse(peek.body).error).toBe('unauthorized');
    const approve = await other.browser.request(`${h.url}/api/v1/auth/cli/approve`, {
      json: { state: login.state },
      headers: { 'x-csrf-token': other.csrf, origin: h.url },
    });
    expect(approve.status).toBe(403);
    const unknown = await other.browser.request(`${h.url}/api/v1/auth/cli/login?state=nope`);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error).toBe('invalid_state');
  });

  it('a failed browser sign-in is stored on the state and reported to the CLI', async () => {
    const login = await startCliLogin(h.url);
    const history = await signInThroughIdp(
      new TestBrowser(),
      login.authUrl,
      'outsider@outside.example',
      {
        stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
      },
    );
    expect(last(history).location).toBe(
      `${h.url}/app/cli/login?state=${encodeURIComponent(login.state)}&error=domain_not_allowed`,
    );
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done).toMatchObject({ status: 400, body: { error: 'domain_not_allowed' } });
  });

  it('authorize with an unknown state goes to the error page; a replayed CLI callback is refused', async () => {
    const unknown = await new TestBrowser().request(
      `${h.url}/api/v1/auth/cli/authorize?state=unknown`,
    );
    expect(unknown.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
    const login = await startCliLogin(h.url);
    const browser = new TestBrowser();
    const history = await signInThroughIdp(browser, login.authUrl, 'viewer@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const callback = history.find((r) => r.url.includes('/auth/cli/callback'))?.url ?? '';
    const replay = await browser.request(callback);
    expect(replay.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
  });

  it.each([
    ['http://localhost:5000/callback'],
    ['http://127.0.0.1:80/x'],
    ['http://127.0.0.1:80/callback'],
    ['https://127.0.0.1:5000/callback'],
    ['http://127.0.0.1:70000/callback'],
  ])('start refuses redirect_uri %s with 400', async (redirectUri) => {
    const res = await fetch(`${h.url}/api/v1/auth/cli/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        redirect_uri: redirectUri,
        device_name: 'd',
        device_os: 'o',
        client_version: '1',
      }),
    });
    expect(res.status).toBe(400);
  });

  it('oversized headers are refused by the HTTP server with 431', async () => {
    const res = await fetch(`${h.url}/api/v1/info`, {
      headers: { cookie: `rgw_session=${'x'.repeat(20_000)}` },
    });
    expect(res.status).toBe(431);
  });

  it('start refuses malformed bodies with 4xx, never 500', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${h.url}/api/v1/auth/cli/start`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    for (const body of [
      '{',
      '[]',
      '{"code_challenge":"short","code_challenge_method":"S256"}',
      JSON.stringify({
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'plain',
        device_name: 'd',
        device_os: 'o',
        client_version: '1',
      }),
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
    }
    expect((await post('a=b', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post(JSON.stringify({ x: 'y'.repeat(1_100_000) }))).status).toBe(413);
  });
});
