// MFA levels in practice (identity.md §14.7-14.10; §16 checks 6, 16, 17): a step-up route passes
// within 10 minutes of a verification and answers 401 `mfa_step_up_required` afterwards; an
// `always` route needs a fresh inline code even right after one; inline codes come as a header or
// as a `.totp.` credential suffix (native convox CLI); API tokens need their owner's code only at
// `always`. A trusted device skips the web login challenge but never grants step-up, and another
// User-Agent revokes it. CLI approval needs a fresh code even inside the window on a trusted
// device, and the CLI session inherits that verification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { completeCliLogin, startCliLogin } from '../support/sign-in.js';
import { TestBrowser } from '../support/test-browser.js';
import {
  call,
  enrolledPerson,
  freshCode,
  type MfaHarness,
  type Person,
  signIn,
  startMfaHarness,
  totpCode,
} from './mfa-harness.js';

let h: MfaHarness;
let deployer: Person;
beforeAll(async () => {
  h = await startMfaHarness();
  deployer = await enrolledPerson(h, 'deployer@example.com');
});
afterAll(async () => {
  await h?.close();
});

const rename = (p: Person, name: string, headers: Record<string, string> = {}) =>
  call(h, p, 'PUT', `/users/${p.email}/name`, { json: { name }, headers });

describe('step-up and always', () => {
  it('a step-up route passes within 10 minutes of a verification, not after', async () => {
    h.clock.advanceMinutes(9);
    expect((await rename(deployer, 'Deployer One')).status).toBe(200);
    h.clock.advanceMinutes(2);
    const stale = await rename(deployer, 'Deployer Two');
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: 'mfa_step_up_required', level: 'step_up' });
    expect(stale.headers.get('x-mfa-required')).toBe('step-up');
    expect(stale.headers.get('x-mfa-level')).toBe('step_up');
    expect(stale.headers.get('x-mfa-methods')).toBe('totp');
  });

  it('an inline code satisfies step-up and refreshes the window for the next calls', async () => {
    const ok = await rename(deployer, 'Deployer Three', { 'x-mfa-totp': freshCode(h, deployer) });
    expect(ok.status).toBe(200);
    expect(h.audit.of('mfa.verify').at(-1)).toMatchObject({
      status: 'success',
      details: { purpose: 'inline', method_type: 'totp' },
    });
    h.clock.advanceMinutes(5);
    expect((await rename(deployer, 'Deployer Four')).status).toBe(200);
    const info = await call(h, deployer, 'GET', '/info');
    const expires = Date.parse(
      String((info.body.user as Record<string, unknown>).recent_step_up_expires_at),
    );
    expect(expires).toBeGreaterThan(h.clock.now().getTime());
  });

  it('an always route answers 401 mfa_required even right after a verification', async () => {
    const admin = await enrolledPerson(h, 'admin@example.com');
    const create = (headers: Record<string, string> = {}, email = 'new1@example.com') =>
      call(h, admin, 'POST', '/users', {
        json: { email, name: 'New', roles: ['viewer'] },
        headers,
      });
    const bare = await create();
    expect(bare.status).toBe(401);
    expect(bare.body).toMatchObject({ error: 'mfa_required', level: 'always' });
    expect(bare.headers.get('x-mfa-required')).toBe('always');
    expect(bare.headers.get('x-mfa-level')).toBe('always');
    expect(bare.headers.get('x-mfa-methods')).toBe('totp');
    const code = freshCode(h, admin);
    expect((await create({ 'x-mfa-totp': code })).status).toBe(201);
    const replayed = await create({ 'x-mfa-totp': code }, 'new2@example.com');
    expect(replayed.status).toBe(401);
    expect(replayed.body.error).toBe('mfa_verification_failed');
    expect(replayed.headers.get('x-mfa-required')).toBe('always');
    const wrong = await create({ 'x-mfa-totp': '000000' }, 'new3@example.com');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('mfa_verification_failed');
    expect(h.audit.of('user.create').filter((e) => e.status === 'denied').length).toBeGreaterThan(
      0,
    );
  });

  it('inline values on routes without an MFA level are ignored (not consumed)', async () => {
    h.clock.advanceMinutes(11);
    const code = freshCode(h, deployer);
    const info = await call(h, deployer, 'GET', '/info', { headers: { 'x-mfa-totp': code } });
    expect(info.status).toBe(200);
    expect((await rename(deployer, 'Deployer Five', { 'x-mfa-totp': code })).status).toBe(200);
  });
});

describe('CLI sessions and API tokens', () => {
  let cliToken = '';

  it('CLI approval needs a fresh code even inside the window; the CLI session inherits it', async () => {
    const login = await startCliLogin(h.url);
    const browser = deployer.browser;
    await signInThroughIdp(browser, login.authUrl, deployer.email, {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const approver: Person = { ...deployer, landing: '' };
    approver.csrf = String((await call(h, approver, 'GET', '/info')).body.csrf_token);
    const code = freshCode(h, deployer);
    expect((await call(h, approver, 'POST', '/auth/mfa/verify', { json: { code } })).status).toBe(
      200,
    );
    const bare = await call(h, approver, 'POST', '/auth/cli/approve', {
      json: { state: login.state },
    });
    expect(bare.status).toBe(401);
    expect(bare.body.error).toBe('mfa_required');
    const approvedAt = (() => {
      h.clock.advance(30_000);
      return h.clock.now();
    })();
    const approved = await call(h, approver, 'POST', '/auth/cli/approve', {
      json: { state: login.state },
      headers: { 'x-mfa-totp': freshCodeAt(approvedAt) },
    });
    expect(approved.status).toBe(200);
    expect(h.audit.of('login.approve').at(-1)).toMatchObject({ details: { mfa_method: 'totp' } });
    expect(h.audit.of('mfa.verify').at(-1)).toMatchObject({ details: { purpose: 'cli_login' } });
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ mfa_enrolled: true, mfa_required: true });
    cliToken = String(done.body.token);
    const rows = await h.database.db.query<{ mfa_verified_at: string; recent_step_up_at: string }>(
      "SELECT mfa_verified_at, recent_step_up_at FROM sessions WHERE channel = 'cli' AND uid = $1",
      [done.body.session_id],
    );
    expect(new Date(rows[0]?.mfa_verified_at ?? 0).getTime()).toBe(approvedAt.getTime());
    expect(new Date(rows[0]?.recent_step_up_at ?? 0).getTime()).toBe(approvedAt.getTime());
  });

  function freshCodeAt(at: Date): string {
    return totpCode(deployer.secret, at);
  }

  it('one code serves a whole CLI command within the window (step-up needs no prompt)', async () => {
    const bearer = { authorization: `Bearer ${cliToken}` };
    const first = await fetch(`${h.url}/api/v1/users/deployer@example.com/name`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From CLI' }),
    });
    expect(first.status).toBe(200);
    h.clock.advanceMinutes(11);
    const stale = await fetch(`${h.url}/api/v1/users/deployer@example.com/name`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From CLI again' }),
    });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('x-mfa-required')).toBe('step-up');
    const verify = await fetch(`${h.url}/api/v1/auth/mfa/verify`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ code: freshCode(h, deployer) }),
    });
    expect(verify.status).toBe(200);
    const body = (await verify.json()) as Record<string, unknown>;
    expect(body.csrf_token).toBeNull();
    expect(Date.parse(String(body.recent_step_up_expires_at))).toBe(
      h.clock.now().getTime() + 10 * 60_000,
    );
  });

  it('the native convox CLI sends the code as a `.totp.` suffix of the Basic password', async () => {
    h.clock.advanceMinutes(11);
    const basic = (suffix: string) =>
      `Basic ${Buffer.from(`convox:${cliToken}${suffix}`).toString('base64')}`;
    const put = (authorization: string, name: string) =>
      fetch(`${h.url}/api/v1/users/deployer@example.com/name`, {
        method: 'PUT',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    expect((await put(basic(''), 'Suffix none')).status).toBe(401);
    const code = freshCode(h, deployer);
    expect((await put(basic(`.totp.${code}`), 'Suffix ok')).status).toBe(200);
    h.clock.advanceMinutes(11);
    const replay = await put(basic(`.totp.${code}`), 'Suffix replay');
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('mfa_verification_failed');
    const both = await fetch(`${h.url}/api/v1/users/deployer@example.com/name`, {
      method: 'PUT',
      headers: {
        authorization: basic(`.totp.${freshCode(h, deployer)}`),
        'x-mfa-totp': '123456',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Both' }),
    });
    expect(both.status).toBe(400);
  });

  it("API tokens: an always route needs the owner's inline code", async () => {
    const created = await fetch(`${h.url}/api/v1/api-tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${cliToken}`,
        'x-mfa-totp': freshCode(h, deployer),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'mfa-test', permissions: ['gateway:api_token:create'] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const create = (name: string, headers: Record<string, string>) =>
      fetch(`${h.url}/api/v1/api-tokens`, {
        method: 'POST',
        headers: { ...auth, ...headers },
        body: JSON.stringify({ name, permissions: ['gateway:api_token:create'] }),
      });
    const bare = await create('by-token-1', {});
    expect(bare.status).toBe(401);
    expect(bare.headers.get('x-mfa-required')).toBe('always');
    expect((await create('by-token-2', { 'x-mfa-totp': freshCode(h, deployer) })).status).toBe(201);
    expect(h.audit.of('mfa.verify').at(-1)).toMatchObject({
      actorType: 'api_token',
      status: 'success',
      details: { purpose: 'inline' },
    });
  });
});

describe('trusted devices', () => {
  it('skip the web login challenge but not a step-up; another User-Agent revokes them', async () => {
    const browser = new TestBrowser('Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36');
    const ops = await enrolledPerson(h, 'ops@example.com');
    const p = await signIn(h, 'ops@example.com', browser);
    p.secret = ops.secret;
    expect(p.landing).toContain('/app/auth/mfa?redirect=');
    const verified = await call(h, p, 'POST', '/auth/mfa/verify', {
      json: { code: freshCode(h, p), trust_device: true },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.trusted_device).toMatchObject({ id: expect.any(String) });
    const cookie = browser.jar.get(new URL(h.url).hostname, 'rgw_trusted_device');
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.audit.of('trusted_device.create').at(-1)).toMatchObject({
      details: { label: 'Chrome on Linux' },
    });
    expect(h.audit.of('mfa.verify').at(-1)).toMatchObject({
      details: { trusted_device_created: true },
    });

    h.clock.advanceMinutes(11);
    const again = await signIn(h, 'ops@example.com', browser);
    again.secret = ops.secret;
    expect(again.landing).toBe(`${h.url}/app/rack`);
    expect(h.audit.of('login.complete').at(-1)).toMatchObject({
      details: { mfa: 'trusted_device' },
    });
    const status = await call(h, again, 'GET', '/auth/mfa/status');
    expect(status.body.trusted_devices).toMatchObject([
      { current: true, label: 'Chrome on Linux' },
    ]);
    const stepUp = await rename(again, 'Ops renamed');
    expect(stepUp.status).toBe(401);
    expect(stepUp.body.error).toBe('mfa_step_up_required');

    const thief = new TestBrowser('curl/8.0');
    thief.jar.set(new URL(h.url).hostname, 'rgw_trusted_device', cookie ?? '');
    const stolen = await signIn(h, 'ops@example.com', thief);
    expect(stolen.landing).toContain('/app/auth/mfa?redirect=');
    expect(thief.jar.get(new URL(h.url).hostname, 'rgw_trusted_device')).toBeUndefined();
    expect(h.audit.of('trusted_device.revoke').at(-1)).toMatchObject({
      details: { reason: 'mismatched_user_agent' },
    });
    const back = await signIn(h, 'ops@example.com', browser);
    expect(back.landing).toContain('/app/auth/mfa?redirect=');
  });

  it('a device presented by another user is revoked as mismatched_user', async () => {
    const ua = 'Mozilla/5.0 (Macintosh; Mac OS X 14) Firefox/130.0';
    const browser = new TestBrowser(ua);
    const viewer = await enrolledPerson(h, 'viewer@example.com');
    const p = await signIn(h, 'viewer@example.com', browser);
    p.secret = viewer.secret;
    await call(h, p, 'POST', '/auth/mfa/verify', {
      json: { code: freshCode(h, p), trust_device: true },
    });
    const deployerAgain = await signIn(h, 'deployer@example.com', browser);
    expect(deployerAgain.landing).toContain('/app/auth/mfa?redirect=');
    expect(h.audit.of('trusted_device.revoke').at(-1)).toMatchObject({
      details: { reason: 'mismatched_user' },
    });
  });
});
