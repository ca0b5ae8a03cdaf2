// Browser login through the real mock IdP (identity.md §3, §16 checks 1-3, 8, 9): a cookie-jar
// client follows the redirects, picks an account on the IdP's page and lands where the gateway
// sends it. Every refusal is an error-page redirect and a `login.failed` event, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { pickAccount, signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { signInWeb } from '../support/sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

describe('browser login (generic profile, allowed domain example.com)', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const start = (returnTo = '/app/rack') =>
    `${h.url}/api/v1/auth/web/login?returnTo=${encodeURIComponent(returnTo)}`;
  const toGateway = (next: URL) => next.origin === h.url && next.pathname.startsWith('/app/');
  const failures = () =>
    h.audit.of('login.failed').map((e) => (e.details as { reason?: string }).reason);

  it('signs a demo user in: state, nonce and PKCE at the IdP, session cookie, returnTo honoured', async () => {
    const browser = new TestBrowser();
    const history = await signInThroughIdp(
      browser,
      start('/app/apps/web?tab=1'),
      'deployer@example.com',
      { stop: toGateway },
    );
    const toIdp = new URL(history[0]?.location ?? '');
    expect(toIdp.origin).toBe(h.idp.issuer);
    expect(toIdp.searchParams.get('code_challenge_method')).toBe('S256');
    expect(toIdp.searchParams.get('state')).toBeTruthy();
    expect(toIdp.searchParams.get('nonce')).toBeTruthy();
    expect(toIdp.searchParams.has('code_verifier')).toBe(false);
    const setLogin = history[0]?.headers.getSetCookie().join(';') ?? '';
    expect(setLogin).toMatch(/rgw_login=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax/);
    const final = last(history);
    expect(final.location).toBe(`${h.url}/app/apps/web?tab=1`);
    const cookie = final.headers.getSetCookie().find((c) => c.startsWith('rgw_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=|Max-Age/);
    const info = JSON.parse((await browser.request(`${h.url}/api/v1/info`)).body);
    expect(info.user).toMatchObject({
      email: 'deployer@example.com',
      roles: ['deployer'],
      mfa_state: 'not_required',
    });
    expect(info.session.channel).toBe('web');
    const complete = h.audit.of('login.complete');
    expect(complete.at(-1)).toMatchObject({
      userEmail: 'deployer@example.com',
      details: { channel: 'web', mfa: 'not_required' },
    });
    expect(JSON.stringify(h.audit.events)).not.toContain(
      browser.jar.get('localhost', 'rgw_session'),
    );
  });

  it('rotates the session token at every login and revokes the presented one', async () => {
    const first = await signInWeb(h.url, 'viewer@example.com');
    const second = await signInWeb(h.url, 'viewer@example.com', { browser: first.browser });
    expect(second.token).not.toBe(first.token);
    const reuse = await fetch(`${h.url}/api/v1/info`, {
      headers: { cookie: `rgw_session=${first.token}` },
    });
    expect(reuse.status).toBe(401);
    expect(((await reuse.json()) as { error: string }).error).toBe('session_expired');
    expect(second.csrf).not.toBe(first.csrf);
  });

  it('refuses a replayed callback (state already consumed) and one without the binding cookie', async () => {
    const browser = new TestBrowser();
    const history = await signInThroughIdp(browser, start(), 'ops@example.com', {
      stop: toGateway,
    });
    const callback = history.find((r) => r.url.includes('/auth/web/callback'))?.url ?? '';
    expect(callback).toContain('code=');
    const replay = await browser.request(callback);
    expect(replay.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
    expect(failures()).toContain('state_expired');

    const other = new TestBrowser();
    const toPage = await other.follow(start());
    const back = await pickAccount(
      other,
      last(toPage),
      'ops@example.com',
      (next) => next.pathname === '/api/v1/auth/web/callback',
    );
    const cb = last(back).location ?? '';
    other.jar.delete('localhost', 'rgw_login');
    const unbound = await other.request(cb);
    expect(unbound.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
    expect(failures()).toContain('state_invalid');
  });

  it('refuses unknown and expired states, and a state from another browser', async () => {
    const unknown = await new TestBrowser().request(
      `${h.url}/api/v1/auth/web/callback?code=abc&state=nope`,
    );
    expect(unknown.status).toBe(302);
    expect(unknown.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);

    const browser = new TestBrowser();
    const toPage = await browser.follow(start());
    const back = await pickAccount(
      browser,
      last(toPage),
      'ops@example.com',
      (next) => next.pathname === '/api/v1/auth/web/callback',
    );
    h.clock.advanceMinutes(11);
    const expired = await browser.request(last(back).location ?? '');
    expect(expired.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
    h.clock.advanceMinutes(-11);

    const victim = new TestBrowser();
    const victimPage = await victim.follow(start());
    const victimBack = await pickAccount(
      victim,
      last(victimPage),
      'admin@example.com',
      (next) => next.pathname === '/api/v1/auth/web/callback',
    );
    const attacker = new TestBrowser();
    await attacker.follow(start());
    const crossed = await attacker.request(last(victimBack).location ?? '');
    expect(crossed.location).toBe(`${h.url}/app/auth/error?reason=state_expired`);
    expect(attacker.jar.get('localhost', 'rgw_session')).toBeUndefined();
  });

  it.each([
    ['unverified@example.com', 'email_unverified'],
    ['No E-mail (no e-mail)', 'email_unverified'],
    ['outsider@outside.example', 'domain_not_allowed'],
  ])('refuses %s with %s and appends login.failed', async (account, reason) => {
    const browser = new TestBrowser();
    const history = await signInThroughIdp(browser, start(), account, { stop: toGateway });
    expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=${reason}`);
    expect(browser.jar.get('localhost', 'rgw_session')).toBeUndefined();
    expect(h.audit.of('login.failed').at(-1)?.details).toEqual({ channel: 'web', reason });
  });

  it('refuses a verified user who does not exist (no just-in-time provisioning)', async () => {
    await h.database.db.query("DELETE FROM users WHERE email = 'consumer@example.com'");
    const history = await signInThroughIdp(new TestBrowser(), start(), 'consumer@example.com', {
      stop: toGateway,
    });
    expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=unknown_user`);
    expect(h.audit.of('login.failed').at(-1)).toMatchObject({
      status: 'denied',
      userEmail: 'consumer@example.com',
    });
  });

  it('refuses a cancelled sign-in at the IdP as idp_error', async () => {
    const browser = new TestBrowser();
    const page = last(await browser.follow(start()));
    const action = /action="([^"]+\/abort)"/.exec(page.body)?.[1] ?? '';
    const posted = await browser.request(new URL(action, page.url).href, { form: {} });
    const back = await browser.follow(posted.location ?? '', { stop: toGateway });
    expect(last(back).location).toBe(`${h.url}/app/auth/error?reason=idp_error`);
    expect(failures()).toContain('idp_error');
  });

  it('refuses an ID token whose nonce is not the stored one (id_token_invalid)', async () => {
    h.idp.faults.nonce = 'attacker-chosen-nonce';
    try {
      const history = await signInThroughIdp(new TestBrowser(), start(), 'admin@example.com', {
        stop: toGateway,
      });
      expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=id_token_invalid`);
    } finally {
      h.idp.faults.nonce = null;
    }
  });

  it('refuses a different subject for a bound e-mail (identity_mismatch)', async () => {
    await signInWeb(h.url, 'admin@example.com');
    await h.database.db.query(
      "UPDATE users SET oidc_subject = 'someone-else' WHERE email = 'admin@example.com'",
    );
    const history = await signInThroughIdp(new TestBrowser(), start(), 'admin@example.com', {
      stop: toGateway,
    });
    expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=identity_mismatch`);
    await h.database.db.query(
      "UPDATE users SET oidc_subject = 'mock-sub-admin-0001' WHERE email = 'admin@example.com'",
    );
  });

  it('refuses locked and suspended users', async () => {
    await h.database.db.query(
      "UPDATE users SET locked_at = now(), locked_reason = 'test' WHERE email = 'ops@example.com'",
    );
    let history = await signInThroughIdp(new TestBrowser(), start(), 'ops@example.com', {
      stop: toGateway,
    });
    expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=user_locked`);
    await h.database.db.query(
      "UPDATE users SET locked_at = NULL, suspended_at = now() WHERE email = 'ops@example.com'",
    );
    history = await signInThroughIdp(new TestBrowser(), start(), 'ops@example.com', {
      stop: toGateway,
    });
    expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=user_suspended`);
    await h.database.db.query(
      "UPDATE users SET suspended_at = NULL WHERE email = 'ops@example.com'",
    );
  });

  const longReturnTo = '/app/x'.padEnd(2100, 'x');
  it.each([
    '//evil.example',
    '/app/..\\x',
    'https://evil.example/app/',
    '/app//evil.example',
    '/app/%2F%2Fevil',
    '/app/a b',
    longReturnTo,
  ])('replaces returnTo %s with /app/rack', async (returnTo) => {
    const history = await signInThroughIdp(
      new TestBrowser(),
      start(returnTo),
      'viewer@example.com',
      { stop: toGateway },
    );
    expect(last(history).location).toBe(`${h.url}/app/rack`);
  });

  it('logs out: the session is revoked, the cookie cleared, the next request refused', async () => {
    const s = await signInWeb(h.url, 'viewer@example.com');
    const out = await s.browser.request(`${h.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': s.csrf, origin: h.url },
    });
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ redirect: '/app/login' });
    expect(out.headers.getSetCookie().join(';')).toMatch(/rgw_session=;/);
    const after = await fetch(`${h.url}/api/v1/info`, {
      headers: { cookie: `rgw_session=${s.token}` },
    });
    expect(after.status).toBe(401);
    expect(h.audit.of('logout').at(-1)).toMatchObject({
      durable: true,
      userEmail: 'viewer@example.com',
    });
  });
});
