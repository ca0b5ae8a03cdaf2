// Issue 10 finding 6: secret-looking values under ordinary names were shown and audited in clear.
// Env masking and env-change events looked at names only, and the name rules missed PASSWD, PWD,
// PRIVATE…; a Stripe key under `PAYMENTS` or a URL's password was shown to every reader and its
// value stored in `env.set` events. Now an entry is secret by name or by value (known credential
// formats masked whole, URL passwords alone), on the proxy and the web API alike, and a masked
// value sent back unchanged still keeps the stored one.
import { encodeGoForm, RackClient } from '@rack-gateway/convox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_MASK } from '../../src/proxy/env-rules.js';
import { type Caller, callApi } from '../support/api-client.js';
import {
  basic,
  type ProxyHarness,
  RACK_PASSWORD,
  startProxyHarness,
  TOTP,
} from './proxy-harness.js';

const SEED: Record<string, string> = {
  DATABASE_URL: 'postgres://app:url-canary-6e@db.internal:5432/app',
  DB_PASSWD: 'hunter2-canary-6a',
  GH: `ghp_${'6f'.repeat(18)}`,
  LOG_LEVEL: 'info',
  MYSQL_PWD: 'mysql-canary-6b',
  PAYMENTS: 'sk_live_6cCanaryStripeValue12',
  SIGNED: 'eyJhbGciOiJIUzI1NiJ9.eyJmaW5kaW5nIjo2fQ.c2lnLWNhbmFyeS02Zw',
  SSH_PRIVATE: 'private-canary-6h',
  UPLOADS_ID: 'AKIA6DCANARY00000000',
};
const SECRET_VALUES = Object.entries(SEED)
  .filter(([k]) => k !== 'LOG_LEVEL')
  .map(([k, v]) => (k === 'DATABASE_URL' ? 'url-canary-6e' : v));
const MASKED_URL = `postgres://app:${ENV_MASK}@db.internal:5432/app`;
const envText = (env: Record<string, string>) =>
  Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`)
    .join('\n');
const parseEnv = (text: string) =>
  Object.fromEntries(
    text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('finding 6: secret-looking values under ordinary names are shown and audited in clear', () => {
  let p: ProxyHarness;
  let release: string;
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const mfa = { 'x-mfa-totp': TOTP };
  const call = (caller: Caller, method: string, path: string, body?: unknown) =>
    callApi(p.h.url, caller, method, path, { body, headers: mfa });
  const proxied = (path: string, auth: string, init: RequestInit = {}) =>
    fetch(`${p.proxyUrl}${path}`, {
      ...init,
      headers: { authorization: auth, ...(init.headers as Record<string, string>) },
    });
  const sentEnv = () => parseEnv(String(p.rack.requests.list().at(-1)?.form?.env?.[0] ?? ''));
  const expectMasked = (env: Record<string, string>, logLevel = 'info') => {
    expect(env).toEqual({
      DATABASE_URL: MASKED_URL,
      DB_PASSWD: ENV_MASK,
      GH: ENV_MASK,
      LOG_LEVEL: logLevel,
      MYSQL_PWD: ENV_MASK,
      PAYMENTS: ENV_MASK,
      SIGNED: ENV_MASK,
      SSH_PRIVATE: ENV_MASK,
      UPLOADS_ID: ENV_MASK,
    });
  };

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
    await p.enrol('admin');
    const direct = new RackClient({ url: p.rack.url.replace('//', `//convox:${RACK_PASSWORD}@`) });
    release = (await direct.createRelease('docs', { env: envText(SEED) })).id;
  });
  afterAll(async () => {
    await p?.close();
  });

  it('masks them in env reads through the proxy (release info and list), the URL password alone', async () => {
    const auth = basic(await p.cliToken('deployer'));
    const info = await proxied(`/apps/docs/releases/${release}?`, auth);
    expectMasked(parseEnv(((await info.json()) as { env: string }).env));
    const list = await proxied('/apps/docs/releases?limit=1', auth);
    const [latest] = (await list.json()) as { env: string }[];
    expectMasked(parseEnv(String(latest?.env)));
  });

  it('keeps every stored value when the masked env is sent back through the proxy', async () => {
    const auth = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
    const masked = parseEnv(
      ((await (await proxied(`/apps/docs/releases/${release}?`, auth)).json()) as { env: string })
        .env,
    );
    const res = await proxied('/apps/docs/releases?', auth, {
      method: 'POST',
      headers: FORM,
      body: encodeGoForm({ env: envText({ ...masked, LOG_LEVEL: 'debug' }) }),
    });
    expect(res.status).toBe(200);
    expect(sentEnv()).toEqual({ ...SEED, LOG_LEVEL: 'debug' });
    expect(p.h.audit.events.filter((e) => /^(env|secret)\.(set|unset)$/.test(e.action))).toEqual([
      expect.objectContaining({ action: 'env.set', resource: 'docs/LOG_LEVEL' }),
    ]);
    // A masked password in a URL pointing elsewhere would hand the password to another host.
    const before = p.rack.requests.list().length;
    const moved = await proxied('/apps/docs/releases?', auth, {
      method: 'POST',
      headers: FORM,
      body: encodeGoForm({
        env: envText({
          ...masked,
          DATABASE_URL: MASKED_URL.replace('db.internal', 'evil.example'),
        }),
      }),
    });
    expect(moved.status).toBe(400);
    expect(moved.headers.get('x-error-reason')).toBe('masked_value_changed');
    expect(await moved.text()).toMatch(/DATABASE_URL keeps a masked password/);
    expect(
      p.rack.requests
        .list()
        .slice(before)
        .some((r) => r.method === 'POST'),
    ).toBe(false);
  });

  it('masks them in the web env API and lists them as secret keys; a masked URL round trip changes nothing', async () => {
    const deployer: Caller = { web: await p.web('deployer') };
    const read = await call(deployer, 'GET', '/api/v1/apps/docs/env');
    expect(read.status).toBe(200);
    expectMasked(read.body.env as Record<string, string>, 'debug');
    expect(read.body.secret_keys).toEqual(Object.keys(SEED).filter((k) => k !== 'LOG_LEVEL'));
    const same = await call(deployer, 'PUT', '/api/v1/apps/docs/env', {
      set: { DATABASE_URL: MASKED_URL, PAYMENTS: ENV_MASK },
    });
    expect(same.status).toBe(200);
    expect(same.body.release).toBeNull();
  });

  it('audits env.set of value-detected secrets as secret.set without values, and needs convox:secret:set', async () => {
    const admin: Caller = { bearer: await p.cliToken('admin') };
    const from = p.h.audit.events.length;
    const res = await call(admin, 'PUT', '/api/v1/apps/docs/env', {
      set: {
        PAYMENTS: 'sk_live_6iRotatedStripeValue34',
        CACHE_URL: 'redis://u:cache-canary-6j@h:6379',
      },
    });
    expect(res.status).toBe(200);
    const events = p.h.audit.events.slice(from).filter((e) => e.action.includes('.set'));
    expect(events.map((e) => [e.action, e.resource, e.details?.old, e.details?.new])).toEqual([
      ['secret.set', 'docs/CACHE_URL', '[REDACTED]', '[REDACTED]'],
      ['secret.set', 'docs/PAYMENTS', '[REDACTED]', '[REDACTED]'],
    ]);
    const deployer: Caller = { bearer: await p.cliToken('deployer') };
    const refused = await call(deployer, 'PUT', '/api/v1/apps/docs/env', {
      set: { DB_PASSWD: 'changed-by-deployer' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('secret_permission_required');
    const plain = await call(deployer, 'PUT', '/api/v1/apps/docs/env', {
      set: { STRIPE_LOOKALIKE: 'sk_live_6kDeployerPaste0000' },
    });
    expect(plain.body.error).toBe('secret_permission_required');
  });

  it('never records a secret value in any event', () => {
    const all = JSON.stringify(p.h.audit.events);
    for (const value of [...SECRET_VALUES, 'sk_live_6iRotatedStripeValue34', 'cache-canary-6j'])
      expect(all.includes(value), value).toBe(false);
  });
});
