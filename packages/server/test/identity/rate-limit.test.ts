// Rate limits (identity.md §13, §16 check 13): per-IP token buckets per limiter, 429 with
// Retry-After and X-RateLimit-*, `rate_limit.exceeded` at most once per IP and limiter per minute,
// the `api` limits on failed credential checks (per address and credential, and per address for
// unauthenticated requests; never refusing a valid credential), and X-Forwarded-For from an
// untrusted peer ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialFailures } from '../../src/identity/credential-failures.js';
import { buildIdentityApp, type IdentityApp } from '../support/identity-app.js';
import { pkcePair } from '../support/sign-in.js';
import { TestClock } from '../support/test-clock.js';

const startBody = () => ({
  code_challenge: pkcePair().challenge,
  code_challenge_method: 'S256',
  device_name: 'd',
  device_os: 'o',
  client_version: '1',
});

describe('rate limits (RATE_LIMIT_RPS 10, RATE_LIMIT_BURST 20)', () => {
  let t: IdentityApp;

  beforeAll(async () => {
    t = await buildIdentityApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/cli/start',
      remoteAddress,
      headers,
      payload: startBody(),
    });

  it('the 21st immediate request to /auth/cli/start from one IP is 429 with Retry-After, audited once', async () => {
    for (let i = 0; i < 20; i++) expect((await start('198.51.100.1')).statusCode).toBe(201);
    const refused = await start('198.51.100.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: 'rate_limit_exceeded',
      message: 'Too many requests, please try again later.',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-ratelimit-limit']).toBe('20');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000 - 5);
    expect((await start('198.51.100.1')).statusCode).toBe(429);
    const events = t.audit.of('rate_limit.exceeded');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      status: 'denied',
      ipAddress: '198.51.100.1',
      details: { limiter: 'auth', burst: 20, suppressed_count: 0 },
    });
    expect((await start('198.51.100.2')).statusCode).toBe(201);
    t.clock.advance(1000);
    expect((await start('198.51.100.1')).statusCode).toBe(201);
    t.clock.advance(61_000);
    for (let i = 0; i < 21; i++) await start('198.51.100.1');
    expect(t.audit.of('rate_limit.exceeded').at(-1)?.details).toMatchObject({
      suppressed_count: 1,
    });
  });

  it('a spoofed X-Forwarded-For from an untrusted peer changes neither the bucket nor the audited IP', async () => {
    for (let i = 0; i < 20; i++)
      await start('198.51.100.9', { 'x-forwarded-for': `203.0.113.${i}` });
    const refused = await start('198.51.100.9', { 'x-forwarded-for': '203.0.113.200' });
    expect(refused.statusCode).toBe(429);
    expect(t.audit.of('rate_limit.exceeded').at(-1)?.ipAddress).toBe('198.51.100.9');
  });

  it('a stale session cookie on public pages (the SPA and its assets) never blocks the IP', async () => {
    const ip = '198.51.100.60';
    for (let i = 0; i < 30; i++) {
      const page = await t.app.inject({
        method: 'GET',
        url: '/app/rack',
        remoteAddress: ip,
        headers: { cookie: 'rgw_session=stale-from-a-wiped-demo' },
      });
      expect(page.statusCode).toBe(200);
    }
    const s = await t.session('viewer@example.com');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      remoteAddress: ip,
      headers: { cookie: s.cookie },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('finding 10: failed credentials from one address lock out valid ones', () => {
  let t: IdentityApp;

  beforeAll(async () => {
    t = await buildIdentityApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const info = (ip: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/api/v1/info', remoteAddress: ip, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const statuses = (answers: { statusCode: number }[]) => answers.map((a) => a.statusCode);
  const count = (list: number[], status: number) => list.filter((s) => s === status).length;

  it('many bad credentials from one address never refuse a valid credential from it', async () => {
    const ip = '203.0.113.10';
    const bad: number[] = [];
    for (let i = 0; i < 30; i++) bad.push((await info(ip, bearer(`broken-ci-${i}`))).statusCode);
    expect(bad.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(bad.slice(20)).toEqual(Array(10).fill(429));
    const cookie = await t.session('viewer@example.com');
    const cli = await t.session('deployer@example.com', 'cli');
    expect((await info(ip, { cookie: cookie.cookie })).statusCode).toBe(200);
    expect((await info(ip, bearer(cli.token))).statusCode).toBe(200);
    const anonymous = await info(ip);
    expect(anonymous.statusCode).toBe(429);
    expect(Number(anonymous.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(t.audit.of('rate_limit.exceeded').at(-1)).toMatchObject({
      ipAddress: ip,
      details: { limiter: 'api', limit: 20 },
    });
    expect((await info('203.0.113.11', bearer('another-bad'))).statusCode).toBe(401);
    t.clock.advance(61_000);
    expect((await info(ip)).statusCode).toBe(401);
    expect((await info(ip, bearer('broken-ci-0'))).statusCode).toBe(401);
  });

  it('one credential that keeps failing is refused on its own, before the address budget', async () => {
    const ip = '203.0.113.20';
    const answers: number[] = [];
    for (let i = 0; i < 15; i++)
      answers.push((await info(ip, bearer('stale-ci-token'))).statusCode);
    expect(answers).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    // The address is not blocked: anonymous callers and other credentials are checked as usual.
    expect((await info(ip)).statusCode).toBe(401);
    expect((await info(ip, bearer('a-different-typo'))).statusCode).toBe(401);
    const s = await t.session('ops@example.com', 'cli');
    expect((await info(ip, bearer(s.token))).statusCode).toBe(200);
    // A fresh inline MFA code does not make the same token another credential.
    expect((await info(ip, bearer('stale-ci-token.totp.123456'))).statusCode).toBe(429);
  });

  it('a concurrent burst holds both budgets, and valid credentials in a burst all pass', async () => {
    const ip = '203.0.113.30';
    const same = statuses(
      await Promise.all(Array.from({ length: 100 }, () => info(ip, bearer('burst-token')))),
    );
    expect(count(same, 401)).toBe(10);
    expect(count(same, 429)).toBe(90);
    const spray = statuses(
      await Promise.all(Array.from({ length: 100 }, (_, i) => info(ip, bearer(`spray-${i}`)))),
    );
    expect(count(spray, 401)).toBe(10); // the address had 10 failures left of its 20
    expect(count(spray, 429)).toBe(90);
    const s = await t.session('admin@example.com', 'cli');
    const valid = statuses(
      await Promise.all(Array.from({ length: 50 }, () => info(ip, bearer(s.token)))),
    );
    expect(valid).toEqual(Array(50).fill(200));
  });

  it('keys credentials by a keyed hash, never by the secret itself', () => {
    const failures = new CredentialFailures(new TestClock());
    const key = failures.keyOf('203.0.113.40', 'rgw_live_secret_value');
    expect(key).not.toContain('rgw_live_secret_value');
    expect(key.startsWith('203.0.113.40|')).toBe(true);
    expect(
      new CredentialFailures(new TestClock()).keyOf('203.0.113.40', 'rgw_live_secret_value'),
    ).not.toBe(key);
  });
});
