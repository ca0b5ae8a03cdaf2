// TOTP enrolment (identity.md §3, §14.1-14.3; §16 check 8): the first sign-in of a user who must
// enrol lands on the enrolment page with a session that passes only pre-MFA routes; confirming
// with a code computed from the returned secret confirms the method, sets mfa_enforced_at,
// returns 10 backup codes once, rotates the session (new cookie and CSRF token) and completes the
// login. Secrets never reach the database in clear or the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import {
  call,
  enrolTotp,
  type MfaHarness,
  nextStep,
  type Person,
  sessionToken,
  signIn,
  startMfaHarness,
  totpCode,
} from './mfa-harness.js';

let h: MfaHarness;
beforeAll(async () => {
  h = await startMfaHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('first sign-in and TOTP enrolment', () => {
  let deployer: Person;
  let pendingToken: string;

  it('sends a user who must enrol to the enrolment page; other routes answer 403', async () => {
    deployer = await signIn(h, 'deployer@example.com');
    expect(deployer.landing).toBe(
      `${h.url}/app/account/security?enrollment=required&redirect=%2Fapp%2Frack`,
    );
    pendingToken = sessionToken(h, deployer);
    const info = await call(h, deployer, 'GET', '/info');
    expect(info.body.user).toMatchObject({ mfa_state: 'enrolment_required', mfa_enrolled: false });
    const users = await call(h, deployer, 'GET', '/users');
    expect(users.status).toBe(403);
    expect(users.body.error).toBe('mfa_enrollment_required');
    expect(users.headers.get('x-mfa-required')).toBe('enrollment');
    const status = await call(h, deployer, 'GET', '/auth/mfa/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ enrolled: false, required: true, methods: [] });
    expect(h.audit.of('login.complete')).toHaveLength(0);
  });

  it('start returns the secret once as base32 and an otpauth URI; confirm refuses a wrong code', async () => {
    const started = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/start', { json: {} });
    expect(started.status).toBe(200);
    const secret = String(started.body.secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(String(started.body.otpauth_uri));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe(`Rack Gateway (${h.config.rack.alias})`);
    expect(decodeURIComponent(uri.pathname)).toContain('deployer@example.com');
    const stored = await h.database.db.query<{ secret_encrypted: string }>(
      'SELECT secret_encrypted FROM mfa_methods WHERE uid = $1',
      [started.body.method_id],
    );
    expect(stored[0]?.secret_encrypted).toMatch(/^v1\./);
    expect(stored[0]?.secret_encrypted).not.toContain(secret);

    const wrongCode = totpCode(secret, h.clock.now(), 5);
    const wrong = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/confirm', {
      json: { method_id: started.body.method_id, code: wrongCode },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_code', reason: 'invalid_code' });
    expect(h.audit.of('mfa_method.enroll').at(-1)).toMatchObject({ status: 'failed' });
  });

  it('confirm with a code from the secret: backup codes once, session rotated, login complete', async () => {
    h.audit.clear();
    const confirmed = await enrolTotp(h, deployer);
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.backup_codes as string[];
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(new Set(codes).size).toBe(10);
    expect(confirmed.body.label).toBe('Authenticator app');
    expect(typeof confirmed.body.csrf_token).toBe('string');
    expect(Date.parse(String(confirmed.body.recent_step_up_expires_at))).toBe(
      h.clock.now().getTime() + 10 * 60_000,
    );
    const rotated = sessionToken(h, deployer);
    expect(rotated).not.toBe(pendingToken);
    const old = await fetch(`${h.url}/api/v1/info`, {
      headers: { authorization: `Bearer ${pendingToken}` },
    });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: string }).error).toBe('session_expired');
    const info = await call(h, deployer, 'GET', '/info');
    expect(info.body.user).toMatchObject({ mfa_state: 'verified', mfa_enrolled: true });
    expect(info.body.csrf_token).toBe(confirmed.body.csrf_token);
    expect((await call(h, deployer, 'GET', '/users')).status).toBe(200);
    const user = await findUserByEmail(h.database.db, 'deployer@example.com');
    expect(user?.mfaEnforcedAt?.getTime()).toBe(h.clock.now().getTime());
    expect(user?.lastLoginAt?.getTime()).toBe(h.clock.now().getTime());
    expect(h.audit.of('mfa_method.enroll')).toMatchObject([
      { status: 'success', details: { method_type: 'totp', label: 'Authenticator app' } },
    ]);
    expect(h.audit.of('login.complete')).toMatchObject([
      { status: 'success', details: { channel: 'web', mfa: 'verified' } },
    ]);
  });

  it('the status lists the method and 10 unused backup codes; codes are never shown again', async () => {
    const status = await call(h, deployer, 'GET', '/auth/mfa/status');
    expect(status.body).toMatchObject({
      enrolled: true,
      required: true,
      backup_codes: { total: 10, unused: 10 },
      methods: [{ type: 'totp', label: 'Authenticator app' }],
    });
    expect(status.raw.body).not.toMatch(/[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/);
  });

  it('adding a second method needs step-up once the window has passed', async () => {
    h.clock.advanceMinutes(11);
    const refused = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/start', { json: {} });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('mfa_step_up_required');
    nextStep(h);
    const started = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/start', {
      json: {},
      headers: { 'x-mfa-totp': totpCode(deployer.secret, h.clock.now()) },
    });
    expect(started.status).toBe(200);
    nextStep(h);
    const second = String(started.body.secret);
    const confirmed = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/confirm', {
      json: {
        method_id: started.body.method_id,
        code: totpCode(second, h.clock.now()),
        label: 'Backup phone',
      },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backup_codes).toBeNull();
    expect(confirmed.body.csrf_token).toBeNull();
    const status = await call(h, deployer, 'GET', '/auth/mfa/status');
    expect((status.body.methods as { label: string }[]).map((m) => m.label)).toEqual([
      'Authenticator app',
      'Backup phone',
    ]);
    expect((status.body.backup_codes as { unused: number }).unused).toBe(10);
  });

  it('a confirm from another session, or after 10 minutes, is refused', async () => {
    const started = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/start', {
      json: {},
      headers: { 'x-mfa-totp': totpCode(deployer.secret, h.clock.now(), 1) },
    });
    expect(started.status).toBe(200);
    const other = await signIn(h, 'deployer@example.com');
    const elsewhere = await call(h, other, 'POST', '/auth/mfa/enroll/totp/confirm', {
      json: {
        method_id: started.body.method_id,
        code: totpCode(String(started.body.secret), h.clock.now()),
      },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toBe('enrollment_expired');
    h.clock.advanceMinutes(10);
    const late = await call(h, deployer, 'POST', '/auth/mfa/enroll/totp/confirm', {
      json: {
        method_id: started.body.method_id,
        code: totpCode(String(started.body.secret), h.clock.now()),
      },
    });
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('enrollment_expired');
  });

  it('no audit event carries a secret or a code', () => {
    const text = JSON.stringify(h.audit.events);
    expect(text).not.toContain(deployer.secret);
    for (const code of deployer.backupCodes) expect(text).not.toContain(code);
    expect(text).not.toMatch(/"code"/);
  });
});
