// Issue 10, finding 9: a RACK_URL kept in a shell with `.totp.<code>` re-sends a code the user
// already verified with once the step-up window has passed. That is not a guess: the gateway
// refuses it ("this code was already used; get a fresh one") without counting a failed attempt,
// so no number of stale re-sends locks the account. After a real lock, every credential of the
// user (CLI session, web session, API token) is answered 403 `account_locked`, which the native
// convox CLI shows as the response text "account locked: ask an admin".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import { basic, type ProxyHarness, startProxyHarness } from '../proxy/proxy-harness.js';
import { callApi } from '../support/api-client.js';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { completeCliLogin, startCliLogin } from '../support/sign-in.js';
import { call, enrolTotp, freshCode, type Person, totpCode } from './mfa-harness.js';

const NATIVE = 'convox.go/3.24.6';
const EMAIL = 'deployer@example.com';

let p: ProxyHarness;
let cli = '';
let person: Person;
beforeAll(async () => {
  p = await startProxyHarness({
    mfa: 'real',
    settingsEnv: { RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'true' },
  });
  const web = await p.web('deployer');
  person = {
    email: EMAIL,
    browser: web.browser,
    landing: '',
    csrf: web.csrf,
    secret: '',
    backupCodes: [],
  };
  await enrolTotp(p.h, person);
  cli = await cliSession();
});
afterAll(async () => {
  await p?.close();
});

/** `rack-gateway login` after enrolment: the browser passes its challenge and approves with a code. */
async function cliSession(): Promise<string> {
  const login = await startCliLogin(p.h.url);
  await signInThroughIdp(person.browser, login.authUrl, EMAIL, {
    stop: (next) => next.origin === p.h.url && next.pathname.startsWith('/app/'),
  });
  person.csrf = String((await call(p.h, person, 'GET', '/info')).body.csrf_token);
  const code = freshCode(p.h, person);
  expect((await call(p.h, person, 'POST', '/auth/mfa/verify', { json: { code } })).status).toBe(
    200,
  );
  const approved = await call(p.h, person, 'POST', '/auth/cli/approve', {
    json: { state: login.state },
    headers: { 'x-mfa-totp': freshCode(p.h, person) },
  });
  expect(approved.status).toBe(200);
  const done = await completeCliLogin(p.h.url, {
    state: login.state,
    code_verifier: login.verifier,
  });
  return String(done.body.token);
}

/** `convox restart` as the native convox CLI sends it with RACK_URL's credential. */
const restart = (credential: string) =>
  fetch(`${p.proxyUrl}/apps/storefront/restart`, {
    method: 'POST',
    headers: { authorization: basic(credential), 'user-agent': NATIVE },
  });

async function failedAttempts(): Promise<number> {
  const rows = await p.h.database.db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM mfa_attempts a JOIN users u ON u.id = a.user_id
     WHERE u.email = $1 AND a.outcome = 'failed'`,
    [EMAIL],
  );
  return Number(rows[0]?.n ?? 0);
}

describe('finding 9: a stale inline code locks an account', () => {
  it('a used code re-sent after the step-up window is refused without counting, however often', async () => {
    p.h.clock.advanceMinutes(11);
    const suffix = `${cli}.totp.${freshCode(p.h, person)}`;
    expect((await restart(suffix)).status).toBe(200);
    expect(p.h.audit.of('mfa.verify').at(-1)).toMatchObject({ status: 'success' });
    p.h.audit.clear();
    for (const minutes of [11, 1, 1, 60, 120, 1, 1]) {
      p.h.clock.advanceMinutes(minutes);
      const stale = await restart(suffix);
      expect(stale.status).toBe(401);
      expect(stale.headers.get('x-error-reason')).toBe('mfa_verification_failed');
      expect(await stale.text()).toBe('this code was already used; get a fresh one\n');
    }
    expect(await failedAttempts()).toBe(0);
    expect(p.h.audit.of('mfa.lockout')).toHaveLength(0);
    expect(p.h.audit.of('mfa.verify').map((e) => [e.status, e.details?.reason])).toEqual(
      Array.from({ length: 7 }, () => ['denied', 'replay']),
    );
    expect((await findUserByEmail(p.h.database.db, EMAIL))?.lockedAt).toBeNull();
    // The session is intact: a fresh code works at once.
    expect((await restart(`${cli}.totp.${freshCode(p.h, person)}`)).status).toBe(200);
  });

  it('a backup code used once and re-sent is refused the same way', async () => {
    const backup = `${cli}.totp.${(person.backupCodes[0] ?? '').replaceAll('-', '')}`;
    p.h.clock.advanceMinutes(11);
    expect((await restart(backup)).status).toBe(200);
    for (let i = 0; i < 6; i++) {
      p.h.clock.advanceMinutes(11);
      const again = await restart(backup);
      expect(again.status).toBe(401);
      expect(await again.text()).toBe('this code was already used; get a fresh one\n');
    }
    expect(await failedAttempts()).toBe(0);
  });

  it('a code that was never used still counts; after the lock every credential says account locked', async () => {
    const token = await callApi(p.h.url, { bearer: cli }, 'POST', '/api/v1/api-tokens', {
      body: { name: 'ci', permissions: ['convox:app:read'] },
      headers: { 'x-mfa-totp': freshCode(p.h, person) },
    });
    expect(token.status).toBe(201);
    p.h.clock.advanceMinutes(11);
    for (let i = 0; i < 5; i++) {
      const wrong = await restart(
        `${cli}.totp.${totpCode(person.secret, p.h.clock.now(), 50 + i)}`,
      );
      expect(wrong.status).toBe(i < 4 ? 401 : 403);
    }
    expect(p.h.audit.of('mfa.lockout')).toHaveLength(1);
    const native = await restart(cli);
    expect(native.status).toBe(403);
    expect(native.headers.get('x-error-reason')).toBe('account_locked');
    expect(await native.text()).toBe('account locked: ask an admin\n');
    const apiToken = await fetch(`${p.proxyUrl}/apps`, {
      headers: { authorization: basic(String(token.body.token)), 'user-agent': NATIVE },
    });
    expect(apiToken.status).toBe(403);
    expect(await apiToken.text()).toBe('account locked: ask an admin\n');
    const browser = await call(p.h, person, 'GET', '/info');
    expect(browser.status).toBe(403);
    expect(browser.body).toMatchObject({
      error: 'account_locked',
      message: 'account locked: ask an admin',
    });
  });
});
