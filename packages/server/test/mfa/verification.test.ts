// The login challenge and what limits a code (identity.md §3, §14.2-14.3, §14.11; §16 checks 8
// and 14): passing the challenge rotates the session token; a code is good for the current step
// ±1 and once only; backup codes work once, typed in any case with or without dashes; every
// attempt counts: more than 10 of one type in 5 minutes answer 429, and 5 failures lock the user,
// revoke their sessions and raise `mfa.lockout`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import {
  call,
  enrolledPerson,
  freshCode,
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

/** A second sign-in of an enrolled user: the session waits for the login challenge. */
async function challenged(email: string, secret: string): Promise<Person> {
  const p = await signIn(h, email);
  p.secret = secret;
  return p;
}

describe('the web login challenge', () => {
  let ops: Person;

  it('an enrolled user signs in to the challenge; only pre-MFA routes pass meanwhile', async () => {
    ops = await enrolledPerson(h, 'ops@example.com');
    const again = await challenged('ops@example.com', ops.secret);
    expect(again.landing).toBe(`${h.url}/app/auth/mfa?redirect=%2Fapp%2Frack`);
    const users = await call(h, again, 'GET', '/users');
    expect(users.status).toBe(401);
    expect(users.body.error).toBe('mfa_challenge_required');
    expect(users.headers.get('x-mfa-required')).toBe('challenge');
    expect((await call(h, again, 'GET', '/info')).body.user).toMatchObject({
      mfa_state: 'challenge_pending',
    });
  });

  it('passing it rotates the token, returns a new CSRF token and completes the login', async () => {
    const p = await challenged('ops@example.com', ops.secret);
    const before = sessionToken(h, p);
    const csrfBefore = p.csrf;
    h.audit.clear();
    const verified = await call(h, p, 'POST', '/auth/mfa/verify', {
      json: { code: freshCode(h, p) },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ verified: true, method_type: 'totp' });
    const after = sessionToken(h, p);
    expect(after).not.toBe(before);
    expect(verified.body.csrf_token).not.toBe(csrfBefore);
    expect((await call(h, p, 'GET', '/users')).status).toBe(200);
    const stale = await fetch(`${h.url}/api/v1/info`, {
      headers: { authorization: `Bearer ${before}` },
    });
    expect(stale.status).toBe(401);
    const revoked = await h.database.db.query<{ revoked_reason: string }>(
      "SELECT revoked_reason FROM sessions WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [before],
    );
    expect(revoked[0]?.revoked_reason).toBe('rotated');
    expect(h.audit.of('mfa.verify')).toMatchObject([
      { status: 'success', details: { method_type: 'totp', purpose: 'login' } },
    ]);
    expect(h.audit.of('login.complete')).toMatchObject([
      { details: { channel: 'web', mfa: 'verified' } },
    ]);
  });

  it('a code accepted once is refused the second time (replay)', async () => {
    const p = await challenged('ops@example.com', ops.secret);
    const code = freshCode(h, p);
    expect((await call(h, p, 'POST', '/auth/mfa/verify', { json: { code } })).status).toBe(200);
    const again = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code } });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: 'mfa_verification_failed', reason: 'replay' });
    expect(again.headers.get('x-mfa-required')).toBe('step-up');
    expect(again.body.message).toBe('this code was already used; get a fresh one');
    // Not a guess: refused without counting as a failed attempt.
    expect(h.audit.of('mfa.verify').at(-1)).toMatchObject({
      status: 'denied',
      details: { reason: 'replay', purpose: 'step_up' },
    });
  });

  it('accepts the previous and the next step, refuses two steps away', async () => {
    const p = await challenged('ops@example.com', ops.secret);
    h.clock.advanceMinutes(1);
    const twoAway = totpCode(p.secret, h.clock.now(), 2);
    const refused = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: twoAway } });
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('invalid_code');
    const previous = totpCode(p.secret, h.clock.now(), -1);
    expect(
      (await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: previous } })).status,
    ).toBe(200);
    const next = totpCode(p.secret, h.clock.now(), 1);
    expect((await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: next } })).status).toBe(
      200,
    );
  });
});

describe('backup codes', () => {
  it('work once, in any case and with or without dashes; the count goes down', async () => {
    const admin = await enrolledPerson(h, 'admin@example.com');
    const p = await challenged('admin@example.com', admin.secret);
    const [first = '', second = ''] = admin.backupCodes;
    h.audit.clear();
    const typed = ` ${first.toLowerCase()} `;
    const used = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: typed } });
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ method_type: 'backup_code', remaining_backup_codes: 9 });
    expect(h.audit.of('mfa.verify')).toMatchObject([
      {
        resource: 'backup_code',
        status: 'success',
        details: { method_type: 'backup_code', remaining_backup_codes: 9 },
      },
    ]);
    const reused = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: first } });
    expect(reused.status).toBe(401);
    const plain = second.replaceAll('-', '');
    expect((await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: plain } })).status).toBe(
      200,
    );
    const status = await call(h, p, 'GET', '/auth/mfa/status');
    expect(status.body.backup_codes).toMatchObject({ total: 10, unused: 8 });
  });

  it('regenerating (step-up) replaces the whole set; old codes stop working', async () => {
    const p = await enrolledPerson(h, 'viewer@example.com');
    const old = p.backupCodes[0] ?? '';
    const fresh = await call(h, p, 'POST', '/auth/mfa/backup-codes/regenerate', { json: {} });
    expect(fresh.status).toBe(200);
    const codes = fresh.body.backup_codes as string[];
    expect(codes).toHaveLength(10);
    expect(codes).not.toContain(old);
    expect(h.audit.of('mfa.backup_codes.regenerate').at(-1)).toMatchObject({
      details: { count: 10 },
    });
    const refused = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: old } });
    expect(refused.status).toBe(401);
    const accepted = await call(h, p, 'POST', '/auth/mfa/verify', { json: { code: codes[3] } });
    expect(accepted.status).toBe(200);
  });
});

describe('attempt limits and the automatic lock', () => {
  it('more than 10 attempts of one type within 5 minutes answer 429 with Retry-After', async () => {
    const h2 = await startMfaHarness();
    try {
      const p = await enrolledPerson(h2, 'ops@example.com');
      // Four failures (one short of the lock) and six successes: ten attempts in 5 minutes.
      for (let i = 0; i < 4; i++) {
        const code = totpCode(p.secret, h2.clock.now(), 5 + i);
        const bad = await call(h2, p, 'POST', '/auth/mfa/verify', { json: { code } });
        expect(bad.status).toBe(401);
      }
      for (let i = 0; i < 6; i++) {
        h2.clock.advance(30_000);
        const code = totpCode(p.secret, h2.clock.now());
        const ok = await call(h2, p, 'POST', '/auth/mfa/verify', { json: { code } });
        expect(ok.status).toBe(200);
      }
      h2.clock.advance(30_000);
      const limited = await call(h2, p, 'POST', '/auth/mfa/verify', {
        json: { code: totpCode(p.secret, h2.clock.now()) },
      });
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('mfa_too_many_attempts');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(h2.audit.of('mfa.verify').at(-1)).toMatchObject({
        status: 'denied',
        details: { reason: 'rate_limited' },
      });
      // Backup codes are another method type: their own limit.
      const backup = await call(h2, p, 'POST', '/auth/mfa/verify', {
        json: { code: p.backupCodes[0] },
      });
      expect(backup.status).toBe(200);
      h2.clock.advance(Number(limited.headers.get('retry-after')) * 1000);
      const later = await call(h2, p, 'POST', '/auth/mfa/verify', {
        json: { code: totpCode(p.secret, h2.clock.now(), 1) },
      });
      expect(later.status).toBe(200);
    } finally {
      await h2.close();
    }
  });

  it('5 wrong codes in 5 minutes lock the user, revoke every session and raise an alert', async () => {
    const h3 = await startMfaHarness();
    try {
      const p = await enrolledPerson(h3, 'deployer@example.com');
      const other = await signIn(h3, 'deployer@example.com');
      h3.audit.clear();
      const wrong = (i: number) => totpCode(p.secret, h3.clock.now(), 4 + i);
      for (let i = 0; i < 4; i++) {
        const r = await call(h3, p, 'POST', '/auth/mfa/verify', { json: { code: wrong(i) } });
        expect(r.status).toBe(401);
        expect(r.body.reason).toBe('invalid_code');
      }
      const fifth = await call(h3, p, 'POST', '/auth/mfa/verify', { json: { code: wrong(4) } });
      expect(fifth.status).toBe(403);
      expect(fifth.body.error).toBe('account_locked');
      const user = await findUserByEmail(h3.database.db, 'deployer@example.com');
      expect(user?.lockedAt).not.toBeNull();
      expect(user?.lockedByUserId).toBeNull();
      expect(user?.lockedReason).toBe('Automatic lock: 5 failed MFA attempts in 5 minutes');
      expect(h3.audit.of('mfa.lockout')).toMatchObject([
        {
          actorType: 'system',
          status: 'alert',
          resource: 'deployer@example.com',
          details: { failed_attempts: 5, window_minutes: 5, sessions_revoked: 2 },
        },
      ]);
      expect(h3.audit.of('mfa.verify').filter((e) => e.status === 'failed')).toHaveLength(5);
      for (const who of [p, other]) {
        const after = await call(h3, who, 'GET', '/info');
        expect(after.status).toBe(403);
        expect(after.body).toMatchObject({
          error: 'account_locked',
          message: 'account locked: ask an admin',
        });
      }
      const sessions = await h3.database.db.query<{ revoked_reason: string }>(
        'SELECT revoked_reason FROM sessions WHERE user_id = $1',
        [user?.id],
      );
      expect(sessions.map((s) => s.revoked_reason)).toEqual(
        expect.arrayContaining(['user_locked', 'user_locked']),
      );
      // An admin unlock starts a fresh window: one more mistake does not lock again.
      const admin = await enrolledPerson(h3, 'admin@example.com');
      nextStep(h3);
      const unlocked = await call(h3, admin, 'POST', '/users/deployer@example.com/unlock', {
        headers: { 'x-mfa-totp': totpCode(admin.secret, h3.clock.now()) },
      });
      expect(unlocked.status).toBe(200);
      const back = await signIn(h3, 'deployer@example.com');
      back.secret = p.secret;
      const miss = await call(h3, back, 'POST', '/auth/mfa/verify', { json: { code: wrong(9) } });
      expect(miss.status).toBe(401);
      expect(
        (
          await call(h3, back, 'POST', '/auth/mfa/verify', {
            json: { code: freshCodeFor(h3, back) },
          })
        ).status,
      ).toBe(200);
    } finally {
      await h3.close();
    }
  });
});

function freshCodeFor(harness: MfaHarness, p: Person): string {
  harness.clock.advance(30_000);
  return totpCode(p.secret, harness.clock.now());
}
