// The fuzz corpus (test/fuzz/corpus.ts) against every route of the route table, so a new route is
// covered the day it is added: each hostile input as a path parameter, as every query value the
// routes read and as every body field, plus malformed raw bodies; once as an authenticated admin
// (fresh session, CSRF token and MFA code, so the handlers run) and once anonymously. Never a 5xx,
// every error a JSON body with a code, the server healthy afterwards. Runs on PGlite and PostgreSQL.
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ROUTES } from '../../src/access/route-table.js';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { buildIdentityApp, type IdentityApp } from '../support/identity-app.js';
import {
  BODY_KEYS,
  HOSTILE_BODIES,
  HOSTILE_INPUTS,
  type HostileInput,
  QUERY_KEYS,
  SINGLE_QUERY_KEYS,
} from './corpus.js';

type Caller = 'admin' | 'anonymous';
type Method = InjectOptions['method'];

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ROUTES = GATEWAY_ROUTES.map((r) => ({
  method: (r.method === 'SOCKET' ? 'GET' : r.method) as Method & string,
  path: r.path,
}));

/** The path of `route` with every parameter (and the proxy's `*`) set to `raw`. */
function pathWith(path: string, raw: string): string[] {
  if (path.endsWith('/*')) {
    const base = path.slice(0, -1);
    return [
      `${base}${raw}`,
      `${base}apps/${raw}/releases`,
      `${base}apps/storefront/processes/${raw}`,
    ];
  }
  if (!path.includes('/:')) return [];
  return [path.replace(/:[A-Za-z]+/g, raw)];
}

/** Where the route can be fed: `concrete` is the path with harmless parameter values. */
function concrete(path: string): string {
  return path.replace(/\*$/, 'apps').replace(/:[A-Za-z]+/g, 'storefront');
}

interface Probe {
  readonly label: string;
  readonly method: Method & string;
  readonly url: string;
  readonly payload?: string | Buffer;
  readonly contentType?: string | null;
}

function probesFor(route: (typeof ROUTES)[number], input: HostileInput): Probe[] {
  const probes: Probe[] = pathWith(route.path, input.raw).map((url) => ({
    label: `path ${input.name}`,
    method: route.method,
    url,
  }));
  // An overlong value goes in one key only: the whole URL must stay under Node's 16 KiB header
  // limit, which a real client could not pass (inject has none; the mock rack does).
  const together = input.raw.length > 1000 ? [] : [QUERY_KEYS];
  // Alone too, for reads: with all keys set, the first key a route checks hides the others.
  const alone = route.method === 'GET' ? SINGLE_QUERY_KEYS.map((k) => [k]) : [];
  for (const keys of [...together, ...alone])
    probes.push({
      label: `query ${keys.length === 1 ? keys[0] : 'all keys'}: ${input.name}`,
      method: route.method,
      url: `${concrete(route.path)}?${keys.map((k) => `${k}=${input.raw}`).join('&')}`,
    });
  if (BODY_METHODS.has(route.method)) {
    const body = Object.fromEntries(BODY_KEYS.map((k) => [k, input.value]));
    probes.push({
      label: `body ${input.name}`,
      method: route.method,
      url: concrete(route.path),
      payload: JSON.stringify(body),
    });
  }
  return probes;
}

/** `headers` with the probe's Content-Type (null: none at all; undefined: unchanged). */
function withContentType(
  headers: Record<string, string>,
  contentType: string | null | undefined,
): Record<string, string> {
  const sent: Record<string, string> = { ...headers };
  if (contentType === null) delete sent['content-type'];
  else if (contentType !== undefined) sent['content-type'] = contentType;
  return sent;
}

function rawBodyProbes(route: (typeof ROUTES)[number]): Probe[] {
  if (!BODY_METHODS.has(route.method)) return [];
  return HOSTILE_BODIES.map((b) => ({
    label: `raw body ${b.name}`,
    method: route.method,
    url: concrete(route.path),
    payload: b.payload,
    ...(b.contentType === undefined ? {} : { contentType: b.contentType }),
  }));
}

describe('hostile input at the edge', () => {
  let rack: MockRack;
  let t: IdentityApp;

  beforeAll(async () => {
    rack = await startMockRack({ port: 0, password: 'rack-pass' });
    t = await buildIdentityApp({
      RACK_HOST: rack.url,
      RACK_TOKEN: 'rack-pass',
      RATE_LIMIT_BURST: '100000',
    });
    const admin = await t.database.db.query<{ id: string }>(
      "SELECT id FROM users WHERE email = 'admin@example.com'",
    );
    t.mfa.enrolled.add(Number(admin[0]?.id));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rack?.close();
  });

  /** Headers of `caller` for `path`: the rack proxy refuses cookies, so it gets the Bearer form. */
  const headersOf = async (caller: Caller, path: string): Promise<Record<string, string>> => {
    const base = { accept: 'application/json', 'content-type': 'application/json' };
    if (caller === 'anonymous') return base;
    const s = await t.session('admin@example.com');
    const credential: Record<string, string> = path.startsWith('/api/v1/rack-proxy/')
      ? { authorization: `Bearer ${s.token}` }
      : { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: t.config.server.publicUrl.origin };
    return { ...base, ...credential, 'x-mfa-totp': FAKE_TOTP_CODE };
  };

  describe('finding 7: 500 on bad input (NUL bytes, year-0000 dates)', () => {
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: await headersOf('admin', url),
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });

    it('NUL in a JSON body, a query value or a path parameter is 400 naming where it is', async () => {
      const cases: [Awaited<ReturnType<typeof call>>, string][] = [
        [
          await call('POST', '/api/v1/auth/cli/start', {
            code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
            code_challenge_method: 'S256',
            device_name: 'laptop\u0000',
            device_os: 'linux',
            client_version: '1',
          }),
          'body field "device_name"',
        ],
        [await call('GET', '/api/v1/audit-logs?search=%00'), 'query parameter "search"'],
        [await call('GET', '/api/v1/created-by?app=%00'), 'query parameter "app"'],
        [await call('GET', '/api/v1/users/%00'), 'path parameter "email"'],
        [await call('GET', '/api/v1/users/admin%40example.com%00'), 'path parameter "email"'],
      ];
      for (const [res, where] of cases) {
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ error: 'invalid_request' });
        expect(res.json().message).toContain(where);
        expect(res.json().message).toContain('NUL');
      }
    });

    it('audit filter dates outside 0001-9999 or impossible are 400 naming the parameter', async () => {
      for (const [param, value] of [
        ['start', '0000-01-01T00:00:00Z'],
        ['end', '0000-12-31T23:59:59Z'],
        ['start', '0001-01-01T00:00:00%2B01:00'],
        ['end', '9999-12-31T23:59:59-01:00'],
        ['start', '10000-01-01T00:00:00Z'],
        ['start', '2024-02-30T00:00:00Z'],
      ] as const) {
        for (const path of ['/api/v1/audit-logs', '/api/v1/audit-logs/stats']) {
          const res = await call('GET', `${path}?${param}=${value}`);
          expect(res.statusCode).toBe(400);
          expect(res.json()).toMatchObject({ error: 'invalid_filter', field: param });
          expect(res.json().message).toContain(`Invalid ${param}`);
        }
      }
      const edge = await call(
        'GET',
        '/api/v1/audit-logs?start=0001-01-01T00:00:00Z&end=9999-12-31T23:59:59Z',
      );
      expect(edge.statusCode).toBe(200);
    });

    it('a path that is not UTF-8 (%C0%AF, %FF) is a JSON 400 like every other refusal', async () => {
      for (const url of ['/api/v1/users/%C0%AF', '/api/v1/users/%FF']) {
        const res = await call('GET', url);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ error: 'invalid_request' });
      }
    });
  });

  const failures: string[] = [];
  /** How the gateway refuses a session that ended (expired, signed out or revoked). */
  const ENDED_SESSION = ['session_expired', 'session_signed_out', 'session_revoked'];
  /** Sends `probe`; answers whether the session ended (a probe of logout or revoke did that). */
  const send = async (
    probe: Probe,
    headers: Record<string, string>,
    caller: Caller,
  ): Promise<boolean> => {
    const res = await t.app.inject({
      method: probe.method,
      url: probe.url,
      headers: withContentType(headers, probe.contentType),
      ...(probe.payload === undefined ? {} : { payload: probe.payload }),
    });
    const where = `${caller} ${probe.method} ${probe.url.slice(0, 120)} (${probe.label})`;
    if (res.statusCode >= 500)
      failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (res.statusCode < 400 || probe.method === 'HEAD') return false;
    let body: { error?: unknown; code?: unknown } = {};
    try {
      body = res.json();
    } catch {
      failures.push(`${where}: ${res.statusCode} without a JSON body`);
      return false;
    }
    if (typeof body.error !== 'string' && typeof body.code !== 'string')
      failures.push(`${where}: ${res.statusCode} JSON error without a code`);
    return caller === 'admin' && ENDED_SESSION.includes(String(body.error));
  };

  for (const caller of ['admin', 'anonymous'] as const) {
    it(`fuzz corpus on every route of the route table, as ${caller === 'admin' ? 'an authenticated admin' : 'an anonymous caller'}`, async () => {
      failures.length = 0;
      for (const route of ROUTES) {
        let headers = await headersOf(caller, route.path);
        const probes = [
          ...HOSTILE_INPUTS.flatMap((i) => probesFor(route, i)),
          ...rawBodyProbes(route),
        ];
        for (const probe of probes)
          if (await send(probe, headers, caller)) headers = await headersOf(caller, route.path);
      }
      expect(failures).toEqual([]);
      const health = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(health.statusCode).toBe(200);
      const info = await t.app.inject({
        method: 'GET',
        url: '/api/v1/users',
        headers: await headersOf('admin', '/api/v1/users'),
      });
      expect(info.statusCode).toBe(200);
    }, 600_000);
  }
});
