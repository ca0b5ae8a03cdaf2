// Policy on the rack proxy (access-control.md §10.4, §11, §12 checks 4, 9, 10; audit.md §6): env
// masking on reads, env rules on release create, the destructive-action guard before any MFA
// prompt, and fail-closed mutations while the audit store is down.
import { encodeGoForm, RackClient } from '@rack-gateway/convox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIALS } from '../../src/access/decision.js';
import { ENV_MASK } from '../../src/proxy/env-rules.js';
import {
  basic,
  type ProxyHarness,
  RACK_PASSWORD,
  startProxyHarness,
  TOTP,
} from './proxy-harness.js';

describe('rack proxy policy', () => {
  let p: ProxyHarness;
  let release: string;
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const proxied = (path: string, auth: string, init: RequestInit = {}) =>
    fetch(`${p.proxyUrl}${path}`, {
      ...init,
      headers: { authorization: auth, ...(init.headers as Record<string, string>) },
    });
  const envOf = async (res: Response) =>
    new Map(
      String(((await res.json()) as { env: string }).env)
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
    await p.enrol('admin');
    const direct = new RackClient({ url: p.rack.url.replace('//', `//convox:${RACK_PASSWORD}@`) });
    const created = await direct.createRelease('docs', {
      env: 'API_TOKEN=tok-1\nDB_PASSWORD=pw-1\nLOG_LEVEL=info\nPORT=4000',
    });
    release = created.id;
  });
  afterAll(async () => {
    await p?.close();
  });

  it('masks DB_PASSWORD for admins and every value without convox:env:read', async () => {
    const admin = await proxied(
      `/apps/docs/releases/${release}?`,
      basic(await p.cliToken('admin')),
    );
    const env = await envOf(admin);
    expect(env.get('DB_PASSWORD')).toBe(ENV_MASK);
    expect(env.get('LOG_LEVEL')).toBe('info');
    const tokenRes = await fetch(`${p.h.url}/api/v1/api-tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await p.cliToken('admin')}`,
        'content-type': 'application/json',
        'x-mfa-totp': TOTP,
      },
      body: JSON.stringify({ name: 'release-reader', permissions: ['convox:release:read'] }),
    });
    const token = ((await tokenRes.json()) as { token: string }).token;
    const blind = await envOf(await proxied(`/apps/docs/releases/${release}?`, basic(token)));
    expect([...blind.values()].every((v) => v === ENV_MASK)).toBe(true);
    expect([...blind.keys()].sort()).toEqual(['API_TOKEN', 'DB_PASSWORD', 'LOG_LEVEL', 'PORT']);
  });

  it('keeps a masked secret on release create and records one event per changed key', async () => {
    const auth = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
    p.h.audit.clear();
    const env = `API_TOKEN=${ENV_MASK}\nDB_PASSWORD=${ENV_MASK}\nLOG_LEVEL=debug\nPORT=4000`;
    const res = await proxied('/apps/docs/releases?', auth, {
      method: 'POST',
      headers: FORM,
      body: encodeGoForm({ env }),
    });
    expect(res.status).toBe(200);
    const sent = p.rack.requests.list().at(-1)?.form?.env?.[0];
    expect(sent).toBe('API_TOKEN=tok-1\nDB_PASSWORD=pw-1\nLOG_LEVEL=debug\nPORT=4000');
    expect((await envOf(res)).get('DB_PASSWORD')).toBe(ENV_MASK);
    expect(
      p.h.audit.of('env.set').map((e) => [e.resource, e.details?.old, e.details?.new]),
    ).toEqual([['docs/LOG_LEVEL', 'info', 'debug']]);
    expect(p.h.audit.outcomes('release.create')[0]).toMatchObject({
      status: 'success',
      durable: true,
    });
  });

  it('refuses a deployer changing API_TOKEN and anyone changing a protected key, with an audit event', async () => {
    const deployer = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
    p.h.audit.clear();
    const before = p.rack.requests.list().length;
    const secret = await proxied('/apps/docs/releases?', deployer, {
      method: 'POST',
      headers: FORM,
      body: encodeGoForm({
        env: `API_TOKEN=changed\nDB_PASSWORD=${ENV_MASK}\nLOG_LEVEL=debug\nPORT=4000`,
      }),
    });
    expect(secret.status).toBe(403);
    expect(secret.headers.get('x-error-reason')).toBe('secret_permission_required');
    await p.h.database.db.query(
      "INSERT INTO settings (app_name, key, value, updated_at) VALUES ('billing-api', 'protected_env_vars', '[\"PORT\"]', now())",
    );
    const admin = basic(`${await p.cliToken('admin')}.totp.${TOTP}`);
    const current = await envOf(await proxied('/apps/billing-api/releases?limit=1', admin));
    current.set('PORT', '9090');
    const body = encodeGoForm({ env: [...current].map(([k, v]) => `${k}=${v}`).join('\n') });
    const prot = await proxied('/apps/billing-api/releases?', admin, {
      method: 'POST',
      headers: FORM,
      body,
    });
    expect(prot.status).toBe(403);
    expect(prot.headers.get('x-error-reason')).toBe('protected_env_var');
    expect(
      p.rack.requests
        .list()
        .slice(before)
        .filter((r) => r.method === 'POST'),
    ).toEqual([]);
    const reasons = p.h.audit.of('release.create').map((e) => [e.status, e.details?.reason]);
    expect(reasons).toEqual([
      ['denied', 'secret_permission_required'],
      ['denied', 'protected_env_var'],
    ]);
  });

  it('applies the destructive guard before any MFA prompt, then asks for MFA every time', async () => {
    const admin = basic(await p.cliToken('admin'));
    const deployer = await proxied('/apps/docs?', basic(await p.cliToken('deployer')), {
      method: 'DELETE',
    });
    expect(deployer.status).toBe(403);
    expect(deployer.headers.get('x-required-permission')).toBe('convox:app:delete');
    const guarded = await proxied('/apps/docs?', admin, { method: 'DELETE' });
    expect(guarded.status).toBe(403);
    expect(guarded.headers.get('x-error-reason')).toBe('destructive_actions_disabled');
    expect(guarded.headers.get('x-mfa-required')).toBeNull();
    expect(await guarded.text()).toBe(`${DENIALS.destructive_actions_disabled.message}\n`);
    await p.h.app.settings.set('allow_destructive_actions', true, null);
    await expect
      .poll(async () =>
        (await proxied('/apps/docs?', admin, { method: 'DELETE' })).headers.get('x-mfa-required'),
      )
      .toBe('always');
    expect(
      p.rack.requests.list().some((r) => r.method === 'DELETE' && r.path === '/apps/docs'),
    ).toBe(false);
    await p.h.app.settings.set('allow_destructive_actions', false, null);
  });

  it('records the parameter diff of a rack update, with secret-looking values redacted', async () => {
    const admin = basic(`${await p.cliToken('admin')}.totp.${TOTP}`);
    p.h.audit.clear();
    const parameters = encodeGoForm({
      DbPassword: 'hunter2',
      node_type: 't3.xlarge',
      private: 'true',
    });
    const res = await proxied('/system?', admin, {
      method: 'PUT',
      headers: FORM,
      body: encodeGoForm({ parameters }),
    });
    expect(res.status).toBe(200);
    expect(p.rack.requests.list().at(-1)?.form?.parameters).toEqual([parameters]);
    const [event] = p.h.audit.outcomes('rack.update');
    expect(event).toMatchObject({ status: 'success', durable: true });
    expect(event?.details?.changes).toEqual({
      DbPassword: { old: null, new: '[REDACTED]' },
      node_type: { old: 't3.large', new: 't3.xlarge' },
    });
    expect(JSON.stringify(p.h.audit.events)).not.toContain('hunter2');
  });

  it('refuses proxied mutations while the audit store is down (nothing reaches the rack); reads go on', async () => {
    const auth = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
    const before = p.rack.requests.list().length;
    p.h.audit.unhealthy = true;
    try {
      const restart = await proxied('/apps/storefront/services/web/restart?', auth, {
        method: 'POST',
      });
      expect(restart.status).toBe(503);
      expect(restart.headers.get('x-error-reason')).toBe('audit_unavailable');
      expect(p.rack.requests.list().length).toBe(before);
      const read = await proxied('/apps?', auth);
      expect(read.status).toBe(200);
    } finally {
      p.h.audit.unhealthy = false;
    }
  });
});
