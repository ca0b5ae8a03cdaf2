// Rate limits (identity.md §13, §16 check 13): per-IP token buckets per limiter, 429 with
// Retry-After and X-RateLimit-*, `rate_limit.exceeded` at most once per IP and limiter per minute,
// the `api` block after more than 20 failed credential checks, and X-Forwarded-For from an
// untrusted peer ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdentityApp, type IdentityApp } from '../support/identity-app.js';
import { pkcePair } from '../support/sign-in.js';

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

  it('more than 20 failed credential checks in a minute block the IP on every route', async () => {
    const ip = '198.51.100.50';
    for (let i = 0; i < 21; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/info',
        remoteAddress: ip,
        headers: { authorization: `Bearer bad${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const s = await t.session('viewer@example.com');
    const blocked = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      remoteAddress: ip,
      headers: { cookie: s.cookie },
    });
    expect(blocked.statusCode).toBe(429);
    expect(t.audit.of('rate_limit.exceeded').at(-1)?.details).toMatchObject({ limiter: 'api' });
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      remoteAddress: '198.51.100.51',
      headers: { cookie: s.cookie },
    });
    expect(elsewhere.statusCode).toBe(200);
    t.clock.advance(61_000);
    const later = await t.app.inject({
      method: 'GET',
      url: '/api/v1/info',
      remoteAddress: ip,
      headers: { cookie: s.cookie },
    });
    expect(later.statusCode).toBe(200);
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
