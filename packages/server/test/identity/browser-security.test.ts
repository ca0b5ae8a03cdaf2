// Browser security (identity.md §8-13, §16 checks 9-13): CSRF on cookie writes, Host and Origin
// validation, CORS for allow-listed origins only, trusted-proxy client IP, rate limits with the
// `api` credential-failure block, __Host- cookies over HTTPS, and malformed credentials → 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { buildIdentityApp, type IdentityApp } from '../support/identity-app.js';

describe('CSRF, host, origin, CORS (PUBLIC_URL http://localhost:8447)', () => {
  let t: IdentityApp;

  beforeAll(async () => {
    t = await buildIdentityApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const logout = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers });

  it('a cookie-authenticated POST without X-CSRF-Token, or with another session’s token, is 403', async () => {
    const s = await t.session('viewer@example.com');
    const other = await t.session('ops@example.com');
    const origin = 'http://localhost:8447';
    const missing = await logout({ cookie: s.cookie, origin });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toBe('invalid_csrf_token');
    expect(t.audit.of('request.rejected').at(-1)).toMatchObject({
      status: 'denied',
      details: { method: 'POST', reason: 'invalid_csrf_token' },
    });
    const crossed = await logout({ cookie: s.cookie, origin, 'x-csrf-token': other.csrf });
    expect(crossed.statusCode).toBe(403);
    const ok = await logout({ cookie: s.cookie, origin, 'x-csrf-token': s.csrf });
    expect(ok.statusCode).toBe(200);
  });

  it('the same call with a Bearer token needs no CSRF token', async () => {
    const s = await t.session('viewer@example.com');
    const res = await logout({ authorization: `Bearer ${s.token}` });
    expect(res.statusCode).toBe(200);
  });

  it('a cookie write without Origin needs a same-origin Referer (403 origin_required)', async () => {
    const s = await t.session('viewer@example.com');
    const none = await logout({ cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toBe('origin_required');
    const referer = await logout({
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      referer: 'http://localhost:8447/app/rack',
    });
    expect(referer.statusCode).toBe(200);
  });

  it('writes the CSRF token into index.html for a page request with a valid session cookie', async () => {
    const s = await t.session('viewer@example.com');
    const page = await t.app.inject({
      method: 'GET',
      url: '/app/rack',
      headers: { cookie: s.cookie },
    });
    expect(page.body).toContain(`<meta name="rgw-csrf-token" content="${s.csrf}">`);
    const anonymous = await t.app.inject({
      method: 'GET',
      url: '/app/rack',
      headers: { cookie: 'rgw_session=stale' },
    });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).not.toContain('rgw-csrf-token');
    const info = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { cookie: s.cookie },
    });
    expect(info.json().csrf_token).toBe(s.csrf);
  });

  it('refuses a foreign Origin with 400 invalid_origin, audited', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_origin');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(t.audit.of('request.rejected').at(-1)?.details).toMatchObject({
      reason: 'invalid_origin',
    });
  });

  it('answers CORS preflights for the public origin only', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: 'http://localhost:8447', 'access-control-request-method': 'POST' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:8447',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
    });
    expect(String(pre.headers['access-control-allow-headers'])).toContain('X-CSRF-Token');
    expect(String(pre.headers['access-control-expose-headers'])).toContain('X-MFA-Required');
  });

  it.each([
    ['Bearer'],
    ['Basic !!!'],
    ['Digest abc'],
    ['Bearer a.b'],
    ['Bearer abc.sms.123456'],
    [`Bearer ${'a'.repeat(5000)}`],
    ['Bearer rgw_unknownunknownunknownunknownunknownunknown'],
    ['Bearer caf\u00e9'],
  ])('refuses Authorization %s with 401, never 500', async (authorization) => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { authorization },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('unauthenticated');
  });

  it('an inline MFA header together with a credential suffix is 400 mfa_ambiguous', async () => {
    const s = await t.session('viewer@example.com', 'cli');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { authorization: `Bearer ${s.token}.totp.123456`, 'x-mfa-totp': '123456' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('mfa_ambiguous');
    const suffixOnly = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { authorization: `Bearer ${s.token}.totp.123456` },
    });
    expect(suffixOnly.statusCode).toBe(200);
  });

  it('malformed cookies, bodies and parameters are 4xx', async () => {
    const cookie = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { cookie: 'rgw_session=%%%; x' },
    });
    expect(cookie.statusCode).toBe(401);
    const s = await t.session('admin@example.com');
    const adminId = await t.database.db.query<{ id: number }>(
      "SELECT id FROM users WHERE email = 'admin@example.com'",
    );
    t.mfa.enrolled.add(Number(adminId[0]?.id));
    const headers = {
      'x-mfa-totp': FAKE_TOTP_CODE,
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      origin: 'http://localhost:8447',
      'content-type': 'application/json',
    };
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: '{"email":',
    });
    expect(badJson.statusCode).toBe(400);
    const wrongTypes = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: JSON.stringify({ email: 1, name: [], roles: 'admin' }),
    });
    expect(wrongTypes.statusCode).toBe(400);
    const badSession = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/admin@example.com/sessions',
      headers: { cookie: s.cookie },
    });
    expect(badSession.statusCode).toBe(200);
    const badId = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/admin@example.com/sessions/not-a-uuid/revoke',
      headers,
      payload: '{}',
    });
    expect(badId.statusCode).toBe(400);
  });
});

describe('Host, cookies and client IP behind a trusted proxy (PUBLIC_URL https://gateway.example.com)', () => {
  let t: IdentityApp;

  beforeAll(async () => {
    t = await buildIdentityApp({
      PUBLIC_URL: 'https://gateway.example.com',
      TRUSTED_PROXY_CIDRS: '10.0.0.0/8',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a look-alike Host with 400 invalid_host; health and loopback probes pass', async () => {
    const evil = await t.app.inject({
      method: 'GET',
      url: '/app/',
      headers: { host: 'gateway.example.com.evil.example' },
    });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error).toBe('invalid_host');
    expect(t.audit.of('request.rejected').at(-1)?.details).toMatchObject({
      reason: 'invalid_host',
    });
    const good = await t.app.inject({
      method: 'GET',
      url: '/app/',
      headers: { host: 'Gateway.Example.com.:443' },
    });
    expect(good.statusCode).toBe(200);
    const health = await t.app.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { host: 'anything.example' },
    });
    expect(health.statusCode).toBe(200);
    const loopback = await t.app.inject({
      method: 'GET',
      url: '/app/',
      headers: { host: '127.0.0.1:8447' },
    });
    expect(loopback.statusCode).toBe(200);
  });

  it('sets __Host- prefixed, Secure, HttpOnly, SameSite=Lax cookies without Domain over HTTPS', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/web/login',
      headers: { host: 'gateway.example.com' },
    });
    expect(res.statusCode).toBe(302);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(
      /^__Host-rgw_login=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const s = await t.session('viewer@example.com');
    expect(s.cookie.startsWith('__Host-rgw_session=')).toBe(true);
    const info = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { host: 'gateway.example.com', cookie: s.cookie },
    });
    expect(info.statusCode).toBe(200);
    const plain = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      headers: { host: 'gateway.example.com', cookie: `rgw_session=${s.token}` },
    });
    expect(plain.statusCode).toBe(401);
  });

  it('takes the client IP from X-Forwarded-For only from a trusted proxy (right to left)', async () => {
    const ip = async (remoteAddress: string, xff: string) => {
      t.audit.clear();
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/health',
        remoteAddress,
        headers: {
          host: 'gateway.example.com',
          origin: 'https://evil.example',
          'x-forwarded-for': xff,
        },
      });
      return t.audit.of('request.rejected').at(-1)?.ipAddress;
    };
    expect(await ip('10.1.2.3', '198.51.100.7, 10.0.0.9')).toBe('198.51.100.7');
    expect(await ip('10.1.2.3', '203.0.113.5, 198.51.100.7')).toBe('198.51.100.7');
    expect(await ip('192.0.2.44', '198.51.100.7')).toBe('192.0.2.44');
    expect(await ip('10.1.2.3', 'garbage, ,,')).toBeTypeOf('string');
  });
});
