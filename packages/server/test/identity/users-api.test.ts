// Users, roles and sessions API (access-control.md §9.5, identity.md §5-6): permission on every
// route, self scope for non-admins, MFA level always on admin mutations (exercised with a stand-in
// MFA service), self-action and last-admin rules, and revocation on lock and role change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_TTL_MS } from '../../src/identity/credential-cache.js';
import { keepAnAdmin } from '../../src/identity/users/user-rules.js';
import { lockUserByEmail } from '../../src/identity/users/user-store.js';
import { callApi } from '../support/api-client.js';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInCli, signInWeb, type WebSession } from '../support/sign-in.js';

describe('users API', () => {
  let h: IdentityHarness;
  let admin: WebSession;
  let viewer: WebSession;
  const mfa = { 'x-mfa-totp': FAKE_TOTP_CODE };

  const idOf = async (email: string) =>
    Number(
      (
        await h.database.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email])
      )[0]?.id,
    );

  const activeSessions = async (email: string) =>
    Number(
      (
        await h.database.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoked_at IS NULL',
          [email],
        )
      )[0]?.n,
    );

  beforeAll(async () => {
    h = await startIdentityHarness({
      seed: { admin: ['admin@example.com', 'second-admin@example.com'] },
    });
    admin = await signInWeb(h.url, 'admin@example.com');
    viewer = await signInWeb(h.url, 'viewer@example.com');
    h.mfa.enrolled.add(await idOf('admin@example.com'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists roles with expanded permissions', async () => {
    const res = await callApi(h.url, { web: viewer }, 'GET', '/api/v1/roles');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.list.map((r) => [r.name, r]));
    expect(byName.admin).toMatchObject({
      label: 'Administrator',
      assignable: true,
      permissions: ['convox:*:*', 'gateway:*:*', 'auth:*:*'],
    });
    expect(byName.cicd).toMatchObject({ assignable: false });
    expect(byName.ops?.permissions).toContain('convox:app:list');
  });

  it('a viewer listing users sees exactly themselves; another user is 403', async () => {
    const list = await callApi(h.url, { web: viewer }, 'GET', '/api/v1/users');
    expect(list.status).toBe(200);
    expect(list.list.map((u) => u.email)).toEqual(['viewer@example.com']);
    const own = await callApi(h.url, { web: viewer }, 'GET', '/api/v1/users/VIEWER@example.com');
    expect(own.status).toBe(200);
    const other = await callApi(h.url, { web: viewer }, 'GET', '/api/v1/users/admin@example.com');
    expect(other.status).toBe(403);
    expect(other.headers.get('x-required-permission')).toBe('gateway:user:read');
    const all = await callApi(h.url, { web: admin }, 'GET', '/api/v1/users');
    expect(all.list.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(all.list[0] ?? {})).not.toContain('oidc_subject');
  });

  it('a viewer calling the admin API gets 403 permission_denied, audited denied', async () => {
    h.audit.clear();
    const res = await callApi(h.url, { web: viewer }, 'POST', '/api/v1/users', {
      body: { email: 'x@example.com', name: 'X', roles: ['viewer'] },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'permission_denied',
      message:
        "You don't have permission to perform this action (requires gateway:user:create; roles that have it: admin; an admin assigns roles).",
      permission: 'gateway:user:create',
    });
    expect(res.headers.get('x-required-permission')).toBe('gateway:user:create');
    expect(res.headers.get('x-error-reason')).toBe('permission_denied');
    expect(h.audit.of('user.create').at(-1)).toMatchObject({
      status: 'denied',
      userEmail: 'viewer@example.com',
      durable: false,
      details: { reason: 'permission_denied' },
    });
  });

  it('admin mutations need MFA level always: no methods → 403 enrolment required, no code → 401 mfa_required', async () => {
    const ops = await signInWeb(h.url, 'ops@example.com');
    await h.database.db.query("UPDATE users SET roles = '{admin}' WHERE email = 'ops@example.com'");
    // Set behind the gateway's back (no notice), the role applies once the cached session expires.
    h.clock.advance(CREDENTIAL_TTL_MS);
    const noMethods = await callApi(h.url, { web: ops }, 'POST', '/api/v1/users', {
      body: { email: 'y@example.com', name: 'Y', roles: ['viewer'] },
    });
    expect(noMethods.status).toBe(403);
    expect(noMethods.body.error).toBe('mfa_enrollment_required');
    expect(noMethods.headers.get('x-mfa-required')).toBe('enrollment');
    await h.database.db.query("UPDATE users SET roles = '{ops}' WHERE email = 'ops@example.com'");
    const noCode = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
      body: { email: 'y@example.com', name: 'Y', roles: ['viewer'] },
    });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error).toBe('mfa_required');
    expect(noCode.headers.get('x-mfa-required')).toBe('always');
    expect(noCode.headers.get('x-mfa-methods')).toBe('totp');
    const wrong = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
      body: { email: 'y@example.com', name: 'Y', roles: ['viewer'] },
      headers: { 'x-mfa-totp': '000000' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('mfa_verification_failed');
  });

  it('creates a user (409 on duplicate, 400 on foreign domain, cicd or unknown role)', async () => {
    const body = { email: 'New.Person@Example.com', name: 'New Person', roles: ['ops'] };
    const created = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
      body,
      headers: mfa,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'new.person@example.com',
      name: 'New Person',
      roles: ['ops'],
      locked: false,
    });
    expect(h.audit.of('user.create').at(-1)).toMatchObject({
      status: 'success',
      durable: true,
      resource: 'new.person@example.com',
    });
    expect(
      (await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', { body, headers: mfa }))
        .status,
    ).toBe(409);
    const foreign = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
      body: { ...body, email: 'a@outside.example' },
      headers: mfa,
    });
    expect(foreign).toMatchObject({ status: 400, body: { error: 'domain_not_allowed' } });
    for (const roles of [['cicd'], ['root'], []]) {
      const bad = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
        body: { ...body, email: 'b@example.com', roles },
        headers: mfa,
      });
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_role' } });
    }
  });

  it('nobody changes their own roles or locks, suspends or deletes themselves', async () => {
    const cases: [string, string, unknown][] = [
      ['PUT', '/api/v1/users/admin@example.com', { roles: ['viewer'] }],
      ['PUT', '/api/v1/users/admin@example.com', { suspended: true }],
      ['POST', '/api/v1/users/admin@example.com/lock', { reason: 'x' }],
      ['DELETE', '/api/v1/users/admin@example.com', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await callApi(h.url, { web: admin }, method, path, { body, headers: mfa });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toBe('self_action_forbidden');
    }
  });

  it('the last active admin cannot be demoted, locked, suspended or deleted (409 last_admin)', async () => {
    const db = h.database.db;
    const target = await db.transaction((tx) => lockUserByEmail(tx, 'second-admin@example.com'));
    if (target === null) throw new Error('seeded admin missing');
    await db.query("UPDATE users SET locked_at = now() WHERE email = 'admin@example.com'");
    try {
      await expect(db.transaction((tx) => keepAnAdmin(tx, target, false))).rejects.toMatchObject({
        status: 409,
        code: 'last_admin',
      });
      await expect(db.transaction((tx) => keepAnAdmin(tx, target, true))).resolves.toBeUndefined();
    } finally {
      await db.query("UPDATE users SET locked_at = NULL WHERE email = 'admin@example.com'");
    }
    await expect(db.transaction((tx) => keepAnAdmin(tx, target, false))).resolves.toBeUndefined();
  });

  it('locking revokes every session at once and notifies rgw_revocation; unlock restores none', async () => {
    const victim = await signInWeb(h.url, 'deployer@example.com');
    const cli = await signInCli(h.url, 'deployer@example.com');
    const active = await activeSessions('deployer@example.com');
    expect(active).toBe(3); // the web session, the CLI session and the approving browser's session
    const notices: string[] = [];
    const stop = await h.database.db.listen('rgw_revocation', (p) => notices.push(p));
    const lock = await callApi(
      h.url,
      { web: admin },
      'POST',
      '/api/v1/users/deployer@example.com/lock',
      { body: { reason: 'suspicious activity' }, headers: mfa },
    );
    expect(lock.status).toBe(200);
    expect(lock.body).toMatchObject({ locked: true, locked_reason: 'suspicious activity' });
    // A locked user's clients are told so (issue 10, finding 9), not that the session expired.
    expect((await callApi(h.url, { web: victim }, 'GET', '/api/v1/info')).body.error).toBe(
      'account_locked',
    );
    expect((await callApi(h.url, { bearer: cli }, 'GET', '/api/v1/info')).status).toBe(403);
    expect(h.audit.of('user.lock').at(-1)).toMatchObject({
      durable: true,
      details: { reason: 'suspicious activity', sessions_revoked: active },
    });
    await expect.poll(() => notices.some((n) => JSON.parse(n).kind === 'user')).toBe(true);
    await stop();
    const unlock = await callApi(
      h.url,
      { web: admin },
      'POST',
      '/api/v1/users/deployer@example.com/unlock',
      { headers: mfa },
    );
    expect(unlock.body.locked).toBe(false);
    expect((await callApi(h.url, { web: victim }, 'GET', '/api/v1/info')).status).toBe(401);
  });

  it('a role change revokes sessions; an e-mail change clears the subject binding', async () => {
    const ops = await signInWeb(h.url, 'ops@example.com');
    const active = await activeSessions('ops@example.com');
    const res = await callApi(h.url, { web: admin }, 'PUT', '/api/v1/users/ops@example.com', {
      body: { roles: ['deployer'], name: 'Ops Person' },
      headers: mfa,
    });
    expect(res.body).toMatchObject({ roles: ['deployer'], name: 'Ops Person' });
    expect(h.audit.of('user.roles.update').at(-1)).toMatchObject({
      details: { old: ['ops'], new: ['deployer'], sessions_revoked: active },
    });
    expect((await callApi(h.url, { web: ops }, 'GET', '/api/v1/info')).status).toBe(401);
    const moved = await callApi(h.url, { web: admin }, 'PUT', '/api/v1/users/ops@example.com', {
      body: { email: 'ops2@example.com' },
      headers: mfa,
    });
    expect(moved.body.email).toBe('ops2@example.com');
    const row = await h.database.db.query(
      "SELECT oidc_subject FROM users WHERE email = 'ops2@example.com'",
    );
    expect(row[0]?.oidc_subject).toBeNull();
    await callApi(h.url, { web: admin }, 'PUT', '/api/v1/users/ops2@example.com', {
      body: { email: 'ops@example.com', roles: ['ops'] },
      headers: mfa,
    });
  });

  it('self-service rename is step-up: no MFA method means enrolment required', async () => {
    const res = await callApi(
      h.url,
      { web: viewer },
      'PUT',
      '/api/v1/users/viewer@example.com/name',
      { body: { name: 'V' } },
    );
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('mfa_enrollment_required');
    const renamed = await callApi(
      h.url,
      { web: admin },
      'PUT',
      '/api/v1/users/admin@example.com/name',
      { body: { name: 'Boss' }, headers: mfa },
    );
    expect(renamed.body.name).toBe('Boss');
  });

  it('deletes a user with their sessions', async () => {
    await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
      body: { email: 'temp@example.com', name: 'Temp', roles: ['viewer'] },
      headers: mfa,
    });
    const del = await callApi(h.url, { web: admin }, 'DELETE', '/api/v1/users/temp@example.com', {
      headers: mfa,
    });
    expect(del.status).toBe(200);
    expect(
      (await callApi(h.url, { web: admin }, 'GET', '/api/v1/users/temp@example.com')).status,
    ).toBe(404);
    expect(h.audit.of('user.delete').at(-1)).toMatchObject({
      resource: 'temp@example.com',
      details: { roles: ['viewer'] },
    });
  });

  it('answers 503 audit_unavailable before a mutation when the audit store is unhealthy', async () => {
    h.audit.unhealthy = true;
    try {
      const res = await callApi(h.url, { web: admin }, 'POST', '/api/v1/users', {
        body: { email: 'z@example.com', name: 'Z', roles: ['viewer'] },
        headers: mfa,
      });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('audit_unavailable');
    } finally {
      h.audit.unhealthy = false;
    }
    expect(
      (await callApi(h.url, { web: admin }, 'GET', '/api/v1/users/z@example.com')).status,
    ).toBe(404);
  });
});
