// The Google Workspace profile (identity.md §2, §16 check 1): prompt=select_account and hd=<the
// only allowed domain> on the authorization URL, `email_verified` always required, and the `hd`
// claim required and listed (consumer accounts have none). The generic profile may accept
// unverified e-mails when OIDC_REQUIRE_EMAIL_VERIFIED=false.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

const seed = { viewer: ['viewer@example.com', 'consumer@example.com', 'unverified@example.com'] };

describe('Google profile with one allowed domain', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness({
      env: { OIDC_PROFILE: 'google', OIDC_REQUIRE_EMAIL_VERIFIED: 'false' },
      seed,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signIn = (account: string) =>
    signInThroughIdp(new TestBrowser(), `${h.url}/api/v1/auth/web/login`, account, {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });

  it('asks the IdP to select an account in the Workspace domain', async () => {
    const history = await signIn('viewer@example.com');
    const toIdp = new URL(history[0]?.location ?? '');
    expect(toIdp.searchParams.get('prompt')).toBe('select_account');
    expect(toIdp.searchParams.get('hd')).toBe('example.com');
    expect(last(history).location).toBe(`${h.url}/app/rack`);
  });

  it('refuses an account without hd (consumer account) even in the allowed e-mail domain', async () => {
    expect(last(await signIn('consumer@example.com')).location).toBe(
      `${h.url}/app/auth/error?reason=domain_not_allowed`,
    );
  });

  it('requires email_verified whatever OIDC_REQUIRE_EMAIL_VERIFIED says', async () => {
    expect(last(await signIn('unverified@example.com')).location).toBe(
      `${h.url}/app/auth/error?reason=email_unverified`,
    );
  });
});

describe('generic profile with OIDC_REQUIRE_EMAIL_VERIFIED=false', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness({ env: { OIDC_REQUIRE_EMAIL_VERIFIED: 'false' }, seed });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts an unverified e-mail and does not send prompt or hd', async () => {
    const history = await signInThroughIdp(
      new TestBrowser(),
      `${h.url}/api/v1/auth/web/login`,
      'unverified@example.com',
      {
        stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
      },
    );
    const toIdp = new URL(history[0]?.location ?? '');
    expect(toIdp.searchParams.has('prompt')).toBe(false);
    expect(toIdp.searchParams.has('hd')).toBe(false);
    expect(last(history).location).toBe(`${h.url}/app/rack`);
  });
});
