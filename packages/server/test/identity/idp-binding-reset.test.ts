// Resetting a user's identity provider binding (identity.md §2, §5; access-control.md §9.5; issue
// 19 finding 5). The deployer's account at the provider is recreated with a new subject: the next
// login is refused `identity_mismatch`; an admin (with a fresh TOTP code from the real MFA
// service) resets the binding, which revokes the deployer's sessions and is audited with the old
// binding; then the new subject signs in and is bound, and the old one is refused in its turn.
import { DEFAULT_USERS, type MockIdpUser } from '@rack-gateway/mock-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/identity/secrets.js';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import {
  call,
  enrolledPerson,
  freshCode,
  type Person,
  sessionToken,
  totpCode,
} from '../mfa/mfa-harness.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { parseSignInPage } from '../support/mock-idp-sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

const OLD_SUB = 'mock-sub-deployer-0002';
const NEW_SUB = 'mock-sub-deployer-recreated-0009';
/** The same person at the provider after their account was deleted and created again. */
const RECREATED: MockIdpUser = {
  sub: NEW_SUB,
  email: 'deployer@example.com',
  name: 'Deployer User',
  emailVerified: true,
  hd: 'example.com',
  note: 'recreated account: new subject',
};
const RESET = '/users/deployer@example.com/idp-binding/reset';

describe('reset IdP binding', () => {
  let h: IdentityHarness;
  let admin: Person;
  let deployer: Person;

  /** Signs in by picking the account with subject `sub` on the provider's page. */
  async function signInAs(sub: string): Promise<Person> {
    const browser = new TestBrowser();
    const toPage = await browser.follow(`${h.url}/api/v1/auth/web/login?returnTo=%2Fapp%2Frack`);
    const { action } = parseSignInPage(last(toPage), 'deployer@example.com');
    const posted = await browser.request(action, { form: { sub } });
    const back = await browser.follow(posted.location ?? '', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const info = JSON.parse((await browser.request(`${h.url}/api/v1/info`)).body) as {
      csrf_token?: string;
    };
    return {
      email: 'deployer@example.com',
      browser,
      landing: last(back).location ?? '',
      csrf: info.csrf_token ?? '',
      secret: deployer.secret,
      backupCodes: [],
    };
  }

  const binding = async () => {
    const user = await findUserByEmail(h.database.db, 'deployer@example.com');
    return { issuer: user?.oidcIssuer, subject: user?.oidcSubject };
  };

  beforeAll(async () => {
    h = await startIdentityHarness({
      mfa: 'real',
      settingsEnv: { RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'true' },
      idpUsers: [...DEFAULT_USERS, RECREATED],
    });
    admin = await enrolledPerson(h, 'admin@example.com');
    deployer = await enrolledPerson(h, 'deployer@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a login with the changed subject is refused identity_mismatch while the old binding stands', async () => {
    expect(await binding()).toEqual({ issuer: h.idp.issuer, subject: OLD_SUB });
    const refused = await signInAs(NEW_SUB);
    expect(refused.landing).toBe(`${h.url}/app/auth/error?reason=identity_mismatch`);
    expect(h.audit.of('login.failed').at(-1)).toMatchObject({
      userEmail: 'deployer@example.com',
      details: { channel: 'web', reason: 'identity_mismatch' },
    });
  });

  it('non-admins are refused; an admin needs a fresh code every time and cannot reset themselves', async () => {
    const viewer = await enrolledPerson(h, 'viewer@example.com');
    for (const p of [viewer, deployer]) {
      const res = await call(h, p, 'POST', RESET, {
        headers: { 'x-mfa-totp': freshCode(h, p) },
      });
      expect([p.email, res.status, res.headers.get('x-required-permission')]).toEqual([
        p.email,
        403,
        'gateway:user:reset_idp_binding',
      ]);
    }
    const bare = await call(h, admin, 'POST', RESET);
    expect([bare.status, bare.body.error]).toEqual([401, 'mfa_required']);
    const self = await call(h, admin, 'POST', '/users/admin@example.com/idp-binding/reset', {
      headers: { 'x-mfa-totp': freshCode(h, admin) },
    });
    expect([self.status, self.body.error]).toEqual([403, 'self_action_forbidden']);
    expect(await binding()).toEqual({ issuer: h.idp.issuer, subject: OLD_SUB });
    // The guard's refusals (two permissions, one missing code) are audited under the action.
    expect(h.audit.of('user.idp_binding_reset').map((e) => e.status)).toEqual([
      'denied',
      'denied',
      'denied',
    ]);
  });

  it('the reset clears the binding, revokes the sessions and records the old binding', async () => {
    const old = sessionToken(h, deployer);
    const reset = await call(h, admin, 'POST', RESET, {
      headers: { 'x-mfa-totp': freshCode(h, admin) },
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ was_bound: true, sessions_revoked: 1 });
    expect(await binding()).toEqual({ issuer: null, subject: null });
    expect(h.audit.of('user.idp_binding_reset').at(-1)).toMatchObject({
      status: 'success',
      actorType: 'user',
      userEmail: 'admin@example.com',
      resource: 'deployer@example.com',
      details: { previous_issuer: h.idp.issuer, previous_subject: OLD_SUB, sessions_revoked: 1 },
    });
    const gone = await call(h, deployer, 'GET', '/info');
    expect([gone.status, gone.body.error]).toEqual([401, 'session_revoked']);
    const row = await h.database.db.query(
      'SELECT revoked_reason FROM sessions WHERE token_hash = $1',
      [sha256Hex(old)],
    );
    expect(row[0]?.revoked_reason).toBe('idp_binding_reset');
  });

  it('then the new subject signs in (MFA unchanged) and is bound; the old subject is refused', async () => {
    const again = await signInAs(NEW_SUB);
    expect(again.landing).toBe(`${h.url}/app/auth/mfa?redirect=%2Fapp%2Frack`);
    expect(await binding()).toEqual({ issuer: h.idp.issuer, subject: NEW_SUB });
    h.clock.advance(30_000);
    const verified = await call(h, again, 'POST', '/auth/mfa/verify', {
      json: { code: totpCode(again.secret, h.clock.now()) },
    });
    expect(verified.status).toBe(200);
    expect((await call(h, again, 'GET', '/info')).body.user).toMatchObject({
      email: 'deployer@example.com',
      mfa_state: 'verified',
    });
    const former = await signInAs(OLD_SUB);
    expect(former.landing).toBe(`${h.url}/app/auth/error?reason=identity_mismatch`);
  });
});
