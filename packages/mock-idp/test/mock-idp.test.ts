// The mock IdP speaks real OpenID Connect: discovery, JWKS, authorization code with PKCE, and
// Google-shaped claims in the ID token, with a sign-in page a person (or a test) drives.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickAccount } from '../../server/test/support/mock-idp-sign-in.js';
import { last, TestBrowser } from '../../server/test/support/test-browser.js';
import { type MockIdp, startMockIdp } from '../src/index.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

describe('mock IdP', () => {
  let idp: MockIdp;
  let config: oidc.Configuration;

  beforeAll(async () => {
    idp = await startMockIdp({
      port: 0,
      clients: [{ clientId: 'c1', clientSecret: 's1-secret', redirectUris: [REDIRECT] }],
    });
    config = await oidc.discovery(
      new URL(idp.issuer),
      'c1',
      's1-secret',
      oidc.ClientSecretBasic('s1-secret'),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
  });
  afterAll(async () => {
    await idp?.close();
  });

  async function authorize(
    browser: TestBrowser,
    account: string,
    extra: Record<string, string> = {},
  ) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const toPage = await browser.follow(url.href);
    const page = last(toPage);
    const back = await pickAccount(browser, page, account, (next) =>
      next.href.startsWith(REDIRECT),
    );
    const callback = last(back).location ?? '';
    return { page, callback, verifier, nonce, state };
  }

  it('publishes discovery with code flow, S256 and the Google claims', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(meta.code_challenge_methods_supported).toContain('S256');
    expect(meta.claims_supported).toEqual(
      expect.arrayContaining(['email', 'email_verified', 'hd']),
    );
    expect(meta.jwks_uri).toBeDefined();
  });

  it('lists the demo users and the refusal cases on a script-free page with its own CSP', async () => {
    const { page } = await authorize(new TestBrowser(), 'viewer@example.com');
    for (const email of [
      'admin@example.com',
      'deployer@example.com',
      'ops@example.com',
      'viewer@example.com',
      'outsider@outside.example',
      'unverified@example.com',
    ]) {
      expect(page.body).toContain(email);
    }
    expect(page.body).not.toMatch(/<script|style=/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('issues an ID token with email, email_verified and hd after a PKCE code exchange', async () => {
    const { callback, verifier, nonce, state } = await authorize(
      new TestBrowser(),
      'admin@example.com',
    );
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({
      sub: 'mock-sub-admin-0001',
      email: 'admin@example.com',
      email_verified: true,
      hd: 'example.com',
      name: 'Admin User',
    });
  });

  it('refuses a code exchanged with the wrong PKCE verifier, and a code used twice', async () => {
    const { callback, verifier, nonce, state } = await authorize(
      new TestBrowser(),
      'ops@example.com',
    );
    const checks = { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state };
    await expect(
      oidc.authorizationCodeGrant(config, new URL(callback), {
        ...checks,
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      }),
    ).rejects.toThrow();
    await oidc.authorizationCodeGrant(config, new URL(callback), checks);
    await expect(oidc.authorizationCodeGrant(config, new URL(callback), checks)).rejects.toThrow();
  });

  it('asks again for an account on every authorization and accepts prompt=select_account', async () => {
    const browser = new TestBrowser();
    await authorize(browser, 'admin@example.com');
    const second = await authorize(browser, 'viewer@example.com', {
      prompt: 'select_account',
      login_hint: 'viewer@example.com',
    });
    expect(second.page.body).toContain('class="hinted"');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(second.callback), {
      pkceCodeVerifier: second.verifier,
      expectedNonce: second.nonce,
      expectedState: second.state,
    });
    expect(tokens.claims()?.email).toBe('viewer@example.com');
  });
});
