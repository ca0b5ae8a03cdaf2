// Issue 19, findings 1 and 2: every ID token's signature is verified against the provider's JWKS
// (a token response rewritten in transit signs nobody in), a key rotation is picked up on the very
// next login, and a failed code exchange says why — to the operator in the log and the audit
// event, to the user as "try again" or "ask an administrator". The mock IdP is a real OIDC
// provider (oidc-provider) whose keys and token responses the test controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { last, TestBrowser } from '../support/test-browser.js';

type Rewrite = (body: Record<string, unknown>) => Record<string, unknown>;

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');
const parts = (jwt: string): [string, string, string] => {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  return [header, payload, signature];
};
const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Rewrites the ID token of a token response. */
const rewriteIdToken =
  (change: (jwt: [string, string, string]) => string): Rewrite =>
  (body) => ({ ...body, id_token: change(parts(String(body.id_token))) });

describe('issue 19 finding 1: ID token signatures', () => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const toGateway = (next: URL) => next.origin === h.url && next.pathname.startsWith('/app/');
  const login = async (email: string) => {
    const browser = new TestBrowser();
    const history = await signInThroughIdp(browser, `${h.url}/api/v1/auth/web/login`, email, {
      stop: toGateway,
    });
    const session = browser.jar.get(new URL(h.url).hostname, 'rgw_session');
    return { landing: last(history).location ?? '', session };
  };
  const withTamper = async <T>(rewrite: Rewrite, run: () => Promise<T>): Promise<T> => {
    h.idp.faults.tokenResponse = rewrite;
    try {
      return await run();
    } finally {
      h.idp.faults.tokenResponse = null;
    }
  };
  const lastFailure = () => h.audit.of('login.failed').at(-1)?.details;

  it('signs a user in with a genuine token', async () => {
    const ok = await login('viewer@example.com');
    expect(ok.landing).toBe(`${h.url}/app/rack`);
    expect(ok.session).toBeTruthy();
  });

  it('refuses a token whose signature was replaced', async () => {
    const forged = rewriteIdToken(
      ([header, payload]) => `${header}.${payload}.${b64url('x'.repeat(256))}`,
    );
    const res = await withTamper(forged, () => login('viewer@example.com'));
    expect(res.landing).toBe(`${h.url}/app/auth/error?reason=id_token_invalid`);
    expect(res.session).toBeUndefined();
    expect(lastFailure()).toMatchObject({
      reason: 'id_token_invalid',
      idp_detail: expect.stringContaining('ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
    });
  });

  it('refuses a token whose e-mail and subject were changed to another user', async () => {
    const admin = await login('admin@example.com'); // binds the admin's subject
    expect(admin.session).toBeTruthy();
    const adminRow = await h.database.db.query<{ oidc_subject: string }>(
      "SELECT oidc_subject FROM users WHERE email = 'admin@example.com'",
    );
    const impersonate = rewriteIdToken(([header, payload, signature]) => {
      const claims = {
        ...decode(payload),
        email: 'admin@example.com',
        sub: adminRow[0]?.oidc_subject,
      };
      return `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
    });
    h.audit.clear();
    const res = await withTamper(impersonate, () => login('viewer@example.com'));
    expect(res.landing).toBe(`${h.url}/app/auth/error?reason=id_token_invalid`);
    expect(res.session).toBeUndefined();
    expect(h.audit.of('login.complete')).toEqual([]);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const unsigned = rewriteIdToken(([header, payload]) => {
      const none = { ...decode(header), alg: 'none' };
      return `${b64url(JSON.stringify(none))}.${payload}.`;
    });
    const res = await withTamper(unsigned, () => login('viewer@example.com'));
    expect(res.landing).toBe(`${h.url}/app/auth/error?reason=id_token_invalid`);
    expect(res.session).toBeUndefined();
  });

  it('picks up rotated keys on the very next login', async () => {
    expect((await login('ops@example.com')).session).toBeTruthy(); // the JWKS is cached now
    const before = h.idp.kid;
    h.idp.rotateKeys();
    expect(h.idp.kid).not.toBe(before);
    const after = await login('ops@example.com');
    expect(after.landing).toBe(`${h.url}/app/rack`);
    expect(after.session).toBeTruthy();
  });
});

describe('issue 19 finding 2: why an exchange failed', () => {
  it('a wrong client secret is reported as the client credentials being refused', async () => {
    const h = await startIdentityHarness({
      env: { OIDC_CLIENT_SECRET: 'not-the-registered-secret' },
    });
    try {
      const history = await signInThroughIdp(
        new TestBrowser(),
        `${h.url}/api/v1/auth/web/login`,
        'viewer@example.com',
        { stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/') },
      );
      expect(last(history).location).toBe(`${h.url}/app/auth/error?reason=idp_client_rejected`);
      const event = h.audit.of('login.failed').at(-1);
      expect(event?.status).toBe('failed');
      expect(event?.details).toMatchObject({
        reason: 'idp_client_rejected',
        idp_detail: 'the token endpoint answered 401 invalid_client',
      });
      expect(JSON.stringify(event)).not.toContain('not-the-registered-secret');
    } finally {
      await h.close();
    }
  });

  it('a provider down at the code exchange is reported as unreachable (try again)', async () => {
    const h = await startIdentityHarness();
    try {
      const browser = new TestBrowser();
      const history = await signInThroughIdp(
        browser,
        `${h.url}/api/v1/auth/web/login`,
        'viewer@example.com',
        {
          stop: (next) => next.pathname === '/api/v1/auth/web/callback',
        },
      );
      const callback = last(history).location ?? '';
      expect(callback).toContain('/api/v1/auth/web/callback?');
      await h.idp.close();
      const back = await browser.follow(callback, {
        stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
      });
      expect(last(back).location).toBe(`${h.url}/app/auth/error?reason=idp_unavailable`);
      expect(h.audit.of('login.failed').at(-1)?.details).toMatchObject({
        reason: 'idp_unavailable',
        idp_detail: expect.stringContaining('could not be reached'),
      });
    } finally {
      await h.close();
    }
  });
});
