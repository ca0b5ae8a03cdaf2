// Managing MFA (identity.md §5, §14.1-14.7; access-control.md §9.5, §9.8): relabel and preferred
// method (step-up), removing a method (always; the last one revokes trusted devices as
// `mfa_disabled` and sends the session back to enrolment), revoking a trusted device, CLI approval
// completing a pending web session, and the admin MFA reset (methods, backup codes and devices
// gone, sessions revoked `mfa_reset`, enrolment again at the next sign-in; never on oneself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInThroughIdp } from '../support/mock-idp-sign-in.js';
import { completeCliLogin, startCliLogin } from '../support/sign-in.js';
import { TestBrowser } from '../support/test-browser.js';
import {
  call,
  enrolledPerson,
  freshCode,
  type MfaHarness,
  type Person,
  sessionToken,
  signIn,
  startMfaHarness,
} from './mfa-harness.js';

let h: MfaHarness;
beforeAll(async () => {
  h = await startMfaHarness();
});
afterAll(async () => {
  await h?.close();
});

const methodsOf = async (p: Person) =>
  (await call(h, p, 'GET', '/auth/mfa/status')).body.methods as { id: string; label: string }[];

describe('methods and devices', () => {
  it('relabel and preferred method are step-up actions and audited', async () => {
    const p = await enrolledPerson(h, 'ops@example.com');
    const [method] = await methodsOf(p);
    const relabel = await call(h, p, 'PUT', `/auth/mfa/methods/${method?.id}`, {
      json: { label: 'Work phone' },
    });
    expect(relabel.status).toBe(200);
    expect(h.audit.of('mfa_method.update').at(-1)).toMatchObject({
      details: { changes: { label: { old: 'Authenticator app', new: 'Work phone' } } },
    });
    expect(
      (await call(h, p, 'PUT', '/auth/mfa/preferred-method', { json: { method: 'webauthn' } }))
        .status,
    ).toBe(400);
    expect(
      (await call(h, p, 'PUT', '/auth/mfa/preferred-method', { json: { method: 'totp' } })).status,
    ).toBe(200);
    expect((await call(h, p, 'GET', '/info')).body.user).toMatchObject({
      preferred_mfa_method: 'totp',
    });
    h.clock.advanceMinutes(11);
    const stale = await call(h, p, 'PUT', `/auth/mfa/methods/${method?.id}`, {
      json: { label: 'X' },
    });
    expect(stale.status).toBe(401);
  });

  it('removing the last method (always) revokes trusted devices and requires enrolment again', async () => {
    const browser = new TestBrowser('Mozilla/5.0 (Windows NT 10.0) Edg/130.0');
    const first = await enrolledPerson(h, 'viewer@example.com');
    const p = await signIn(h, 'viewer@example.com', browser);
    p.secret = first.secret;
    await call(h, p, 'POST', '/auth/mfa/verify', {
      json: { code: freshCode(h, p), trust_device: true },
    });
    const [method] = await methodsOf(p);
    const bare = await call(h, p, 'DELETE', `/auth/mfa/methods/${method?.id}`);
    expect(bare.status).toBe(401);
    expect(bare.body.error).toBe('mfa_required');
    const removed = await call(h, p, 'DELETE', `/auth/mfa/methods/${method?.id}`, {
      headers: { 'x-mfa-totp': freshCode(h, p) },
    });
    expect(removed.status).toBe(200);
    expect(h.audit.of('mfa_method.delete').at(-1)).toMatchObject({
      details: { method_type: 'totp', remaining_methods: 0, trusted_devices_revoked: 1 },
    });
    expect(h.audit.of('trusted_device.revoke').at(-1)).toMatchObject({
      details: { reason: 'mfa_disabled' },
    });
    const status = await call(h, p, 'GET', '/auth/mfa/status');
    expect(status.body).toMatchObject({
      enrolled: false,
      trusted_devices: [],
      backup_codes: { total: 0 },
    });
    const users = await call(h, p, 'GET', '/users');
    expect(users.status).toBe(403);
    expect(users.body.error).toBe('mfa_enrollment_required');
  });

  it("revoking this browser's trusted device clears its cookie and brings the challenge back", async () => {
    const browser = new TestBrowser('Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0');
    const first = await enrolledPerson(h, 'admin@example.com');
    const p = await signIn(h, 'admin@example.com', browser);
    p.secret = first.secret;
    const verified = await call(h, p, 'POST', '/auth/mfa/verify', {
      json: { code: freshCode(h, p), trust_device: true },
    });
    const id = (verified.body.trusted_device as { id: string }).id;
    const revoked = await call(h, p, 'DELETE', `/auth/mfa/trusted-devices/${id}`);
    expect(revoked.status).toBe(200);
    expect(browser.jar.get(new URL(h.url).hostname, 'rgw_trusted_device')).toBeUndefined();
    expect(h.audit.of('trusted_device.revoke').at(-1)).toMatchObject({
      details: { reason: 'user_request' },
    });
    const again = await signIn(h, 'admin@example.com', browser);
    expect(again.landing).toContain('/app/auth/mfa?redirect=');
  });
});

describe('CLI approval from a session still waiting for its challenge', () => {
  it('the inline code approves the CLI login and completes (rotates) the web session', async () => {
    const deployer = await enrolledPerson(h, 'deployer@example.com');
    const login = await startCliLogin(h.url);
    const browser = new TestBrowser();
    await signInThroughIdp(browser, login.authUrl, deployer.email, {
      stop: (next) => next.origin === h.url && next.pathname.startsWith('/app/'),
    });
    const p: Person = { ...deployer, browser, landing: '' };
    p.csrf = String((await call(h, p, 'GET', '/info')).body.csrf_token);
    expect((await call(h, p, 'GET', '/info')).body.user).toMatchObject({
      mfa_state: 'challenge_pending',
    });
    const before = sessionToken(h, p);
    const approved = await call(h, p, 'POST', '/auth/cli/approve', {
      json: { state: login.state },
      headers: { 'x-mfa-totp': freshCode(h, p) },
    });
    expect(approved.status).toBe(200);
    expect(sessionToken(h, p)).not.toBe(before);
    expect((await call(h, p, 'GET', '/info')).body.user).toMatchObject({ mfa_state: 'verified' });
    const done = await completeCliLogin(h.url, {
      state: login.state,
      code_verifier: login.verifier,
    });
    expect(done.status).toBe(200);
  });
});

describe('admin MFA reset', () => {
  it('removes methods, codes and devices, revokes sessions, and the user enrols again', async () => {
    const h2 = await startMfaHarness();
    try {
      const admin = await enrolledPerson(h2, 'admin@example.com');
      const target = await enrolledPerson(h2, 'deployer@example.com');
      const self = await call(h2, admin, 'POST', '/users/admin@example.com/mfa/reset', {
        headers: { 'x-mfa-totp': freshCode(h2, admin) },
      });
      expect(self.status).toBe(403);
      expect(self.body.error).toBe('self_action_forbidden');
      const bare = await call(h2, admin, 'POST', '/users/deployer@example.com/mfa/reset');
      expect(bare.status).toBe(401);
      expect(bare.body.error).toBe('mfa_required');
      const reset = await call(h2, admin, 'POST', '/users/deployer@example.com/mfa/reset', {
        headers: { 'x-mfa-totp': freshCode(h2, admin) },
      });
      expect(reset.status).toBe(200);
      expect(reset.body).toEqual({ methods_removed: 1, sessions_revoked: 1 });
      expect(h2.audit.of('user.mfa_reset').at(-1)).toMatchObject({
        status: 'success',
        resource: 'deployer@example.com',
        details: { methods_removed: 1, sessions_revoked: 1 },
      });
      const gone = await call(h2, target, 'GET', '/info');
      expect(gone.status).toBe(401);
      const rows = await h2.database.db.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM mfa_methods m JOIN users u ON u.id = m.user_id WHERE u.email = $1)
           + (SELECT count(*) FROM mfa_backup_codes b JOIN users u ON u.id = b.user_id WHERE u.email = $1) AS n`,
        ['deployer@example.com'],
      );
      expect(Number(rows[0]?.n)).toBe(0);
      const again = await signIn(h2, 'deployer@example.com');
      expect(again.landing).toContain('/app/account/security?enrollment=required');
    } finally {
      await h2.close();
    }
  });
});
