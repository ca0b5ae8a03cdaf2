import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ROUTES } from '../src/access/route-table.js';
import { buildApp } from '../src/app.js';
import { createReadiness } from '../src/http/readiness.js';
import { MissingRouteEntryError } from '../src/http/register-route.js';
import { testApp } from './support/test-app.js';
import { testConfig } from './support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from './support/test-db.js';

function fakeWebDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rgw-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" crossorigin src="/app/assets/app-1234.js"></script>' +
      '<link rel="stylesheet" crossorigin href="/app/assets/app-1234.css"></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("hi")');
  return dir;
}

describe('gateway skeleton', () => {
  let database: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDb();
    app = await testApp(testConfig(), database, fakeWebDist());
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('reports health with the database reachable', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      service: 'rack-gateway',
      database: 'ok',
      audit: 'ok',
      // Built without start-up steps: discovery of the (absent) IdP has not begun.
      idp: 'discovering',
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('serves index.html with a fresh CSP nonce on every request and no unsafe-inline', async () => {
    const first = await app.inject({ method: 'GET', url: '/app/' });
    const second = await app.inject({ method: 'GET', url: '/app/rack/settings' });
    for (const res of [first, second]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).not.toContain('unsafe-inline');
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      expect(res.body).toContain(`<script nonce="${nonce}" type="module"`);
      expect(res.body).toContain(`<meta name="rgw-csp-nonce" content="${nonce}">`);
    }
    expect(first.headers['content-security-policy']).not.toBe(
      second.headers['content-security-policy'],
    );
  });

  it('serves hashed assets with a long cache and refuses path traversal', async () => {
    const asset = await app.inject({ method: 'GET', url: '/app/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const traversal = await app.inject({
      method: 'GET',
      url: '/app/assets/..%2F..%2Fetc%2Fpasswd',
    });
    expect(traversal.statusCode).toBe(404);
  });

  it('sets the security headers everywhere', async () => {
    const res = await app.inject({ method: 'GET', url: '/app/' });
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'cross-origin-opener-policy': 'same-origin',
      'x-xss-protection': '0',
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'not_found',
      message: 'No route matches GET /api/v1/nothing-here.',
    });
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/health',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_json');
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/health',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ a: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('body_too_large');
  });

  it('registers exactly the routes of the route table', () => {
    const declared = GATEWAY_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect([...app.registeredRoutes].sort()).toEqual([...declared].sort());
  });

  it('answers health 503 starting until the start-up steps finished, then 200', async () => {
    const readiness = createReadiness();
    const starting = await buildApp(testConfig(), {
      db: database.db,
      logger: silentLogger,
      webDistDir: fakeWebDist(),
      readiness,
    });
    readiness.detail = 'starting: seed users';
    const before = await starting.inject({ method: 'GET', url: '/api/v1/health' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ status: 'starting', detail: 'starting: seed users' });
    const page = await starting.inject({ method: 'GET', url: '/app/' });
    expect(page.statusCode).toBe(503);
    readiness.ready = true;
    readiness.detail = 'ready';
    const after = await starting.inject({ method: 'GET', url: '/api/v1/health' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'ok' });
    await starting.close();
  });

  it('refuses at boot a route that has no table entry', async () => {
    const extra = await buildApp(testConfig(), {
      db: database.db,
      logger: silentLogger,
      webDistDir: fakeWebDist(),
    });
    expect(() => extra.get('/api/v1/sneaky', async () => 'x')).toThrow(MissingRouteEntryError);
    await extra.close();
  });
});
