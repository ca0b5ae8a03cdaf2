// API tokens on the rack proxy (access-control.md §6.2, §7, §12 checks 6-7; issue 5 acceptance): a
// deployer cannot mint tokens beyond their own permissions, a token shrinks at once when its owner
// is demoted, and it stops working when its owner is locked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic,
  type DemoUser,
  emailOf,
  type ProxyHarness,
  startProxyHarness,
  TOTP,
} from './proxy-harness.js';

describe('API tokens through the gateway', () => {
  let p: ProxyHarness;

  // `ops@example.com` is seeded as a second admin here, so that it can be demoted and locked.
  beforeAll(async () => {
    p = await startProxyHarness({
      seed: { admin: ['admin@example.com', 'ops@example.com'], ops: [] },
    });
    await p.enrol('admin');
    await p.enrol('deployer');
    await p.enrol('ops');
  });
  afterAll(async () => {
    await p?.close();
  });

  async function api(user: DemoUser, method: string, path: string, body?: unknown) {
    const res = await fetch(`${p.h.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await p.cliToken(user)}`,
        'x-mfa-totp': TOTP,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('refuses a deployer a token with admin permissions or the cicd template', async () => {
    const admin = await api('deployer', 'POST', '/api-tokens', {
      name: 'too-much',
      permissions: ['convox:*:*', 'gateway:user:create'],
    });
    expect(admin.status).toBe(403);
    expect(admin.body.error).toBe('permission_exceeds_creator');
    expect(admin.body.uncovered_permissions).toEqual(['convox:*:*', 'gateway:user:create']);
    const template = await api('deployer', 'POST', '/api-tokens', { name: 'adm', role: 'admin' });
    expect(template.body.error).toBe('permission_exceeds_creator');
    const own = await api('deployer', 'POST', '/api-tokens', { name: 'own', role: 'deployer' });
    expect(own.status).toBe(201);
    expect(own.body.permissions).toContain('auth:profile:read');
    expect((own.body.permissions as string[]).filter((x) => x.startsWith('auth:'))).toEqual([
      'auth:profile:read',
    ]);
    const cicd = await api('deployer', 'POST', '/api-tokens', { name: 'ci', role: 'cicd' });
    expect(cicd.status).toBe(403);
    expect(cicd.body.uncovered_permissions).toEqual(['convox:deploy:deploy_with_approval']);
    const wide = await api('deployer', 'POST', '/api-tokens', {
      name: 'w',
      permissions: ['convox:app:*'],
    });
    expect(wide.body.error).toBe('permission_exceeds_creator');
    const fine = await api('deployer', 'POST', '/api-tokens', {
      name: 'deployer-ci',
      permissions: ['convox:app:list', 'convox:release:promote'],
    });
    expect(fine.status).toBe(201);
  });

  it('shrinks an admin-owned convox:*:* token at once when its owner is demoted, then refuses it when the owner is locked', async () => {
    const created = await api('ops', 'POST', '/api-tokens', {
      name: 'ops-all',
      permissions: ['convox:*:*'],
    });
    expect(created.status).toBe(201);
    const token = basic(String(created.body.token));
    const del = () =>
      fetch(`${p.proxyUrl}/apps/docs?`, { method: 'DELETE', headers: { authorization: token } });
    const before = await del();
    expect(before.headers.get('x-error-reason')).toBe('destructive_actions_disabled');
    const demoted = await api('admin', 'PUT', `/users/${encodeURIComponent(emailOf('ops'))}`, {
      roles: ['deployer'],
    });
    expect(demoted.status).toBe(200);
    const after = await del();
    expect(after.status).toBe(403);
    expect(after.headers.get('x-error-reason')).toBe('permission_denied');
    expect(after.headers.get('x-required-permission')).toBe('convox:app:delete');
    const list = await fetch(`${p.proxyUrl}/apps?`, { headers: { authorization: token } });
    expect(list.status).toBe(200);
    p.h.audit.clear();
    const locked = await api('admin', 'POST', `/users/${encodeURIComponent(emailOf('ops'))}/lock`, {
      reason: 'test',
    });
    expect(locked.status).toBe(200);
    const refused = await fetch(`${p.proxyUrl}/apps?`, { headers: { authorization: token } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-error-reason')).toBe('account_locked');
    await expect.poll(() => p.h.audit.of('token.invalid').length).toBeGreaterThan(0);
    expect(p.h.audit.of('token.invalid')[0]?.details?.reason).toBe('owner_locked');
    expect(JSON.stringify(p.h.audit.events)).not.toContain(String(created.body.token));
  });
});
