// Where a pending CLI login stands (identity.md §4 step 9, issue 19 finding 6): `complete` answers
// 202 with a stage, so the CLI can tell a link never opened from a browser stranded at the
// identity provider — which is what an unregistered CLI callback looks like from the gateway.
import { type MockIdp, startMockIdp } from '@rack-gateway/mock-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUrl } from '../../src/identity/login/callback-urls.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type IdentityHarness,
  startIdentityHarness,
} from '../support/identity-harness.js';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import {
  approveSignedIn,
  type CliLogin,
  completeCliLogin,
  startCliLogin,
} from '../support/sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

const stageOf = async (h: IdentityHarness, login: CliLogin) => {
  const res = await completeCliLogin(h.url, { state: login.state, code_verifier: login.verifier });
  expect(res.status).toBe(202);
  return res.body.stage;
};

describe('CLI login stages', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('poll mode: link not opened, at the identity provider, then signed in awaiting approval', async () => {
    const login = await startCliLogin(h.url);
    expect(await stageOf(h, login)).toBe('waiting_for_browser');
    const browser = new TestBrowser();
    const toIdp = await browser.request(login.authUrl);
    expect(new URL(toIdp.location ?? '').origin).toBe(new URL(h.idp.issuer).origin);
    expect(await stageOf(h, login)).toBe('at_identity_provider');
    await signInThroughIdp(browser, toIdp.location ?? '', 'viewer@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    expect(await stageOf(h, login)).toBe('signed_in');
    await approveSignedIn(h.url, login.state, browser);
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done.status).toBe(200);
  });

  it('sends the provider exactly the redirect URIs config check tells the operator to register', async () => {
    const login = await startCliLogin(h.url);
    const cli = await new TestBrowser().request(login.authUrl);
    const web = await new TestBrowser().request(`${h.url}/api/v1/auth/web/login`);
    const redirectUri = (location: string | null) =>
      new URL(location ?? '').searchParams.get('redirect_uri');
    expect(redirectUri(cli.location)).toBe(callbackUrl(h.config.server.publicUrl, 'cli'));
    expect(redirectUri(web.location)).toBe(callbackUrl(h.config.server.publicUrl, 'web'));
    expect(callbackUrl(new URL('https://gw.example.com'), 'cli')).toBe(
      'https://gw.example.com/api/v1/auth/cli/callback',
    );
  });

  it('loopback mode polled without its code after approval: stage approved', async () => {
    const login = await startCliLogin(h.url, 45680);
    const browser = new TestBrowser();
    await signInThroughIdp(browser, login.authUrl, 'ops@example.com', {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    await approveSignedIn(h.url, login.state, browser);
    expect(await stageOf(h, login)).toBe('approved');
  });
});

describe('CLI callback not registered at the identity provider', () => {
  let idp: MockIdp;
  let h: IdentityHarness;

  beforeAll(async () => {
    // The operator registered only the web callback (of another host, so neither of this gateway's
    // callbacks is known to the provider).
    idp = await startMockIdp({
      port: 0,
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: ['https://gateway.example.com/api/v1/auth/web/callback'],
        },
      ],
    });
    h = await startIdentityHarness({ env: { OIDC_ISSUER: idp.issuer } });
  });
  afterAll(async () => {
    await h?.close();
    await idp?.close();
  });

  it('the provider shows an error page instead of coming back; the pending login says at_identity_provider', async () => {
    const login = await startCliLogin(h.url);
    const browser = new TestBrowser();
    const history = await browser.follow(login.authUrl);
    const page = last(history);
    expect(page.status).toBe(400);
    expect(page.body).toContain('redirect_uri');
    expect(history.some((r) => r.url.includes('/api/v1/auth/cli/callback'))).toBe(false);
    expect(await stageOf(h, login)).toBe('at_identity_provider');
  });
});
