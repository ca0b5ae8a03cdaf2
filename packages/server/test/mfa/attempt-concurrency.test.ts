// Issue 10, finding 1: the attempt limits of identity.md §14.11 hold under concurrency. A burst of
// wrong codes sent at once (inline `X-MFA-TOTP` on an `always` route, and the web login challenge
// from many source addresses) is evaluated one attempt at a time per user: at most 5 count as
// failures, the fifth locks the account exactly once, and the right code afterwards is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/identity/users/user-store.js';
import { mfaDependencies } from '../../src/mfa/mfa-plugin.js';
import { verifyCode } from '../../src/mfa/verification.js';
import { createSettingsStore } from '../../src/settings/settings-store.js';
import { silentLogger } from '../support/test-db.js';
import {
  type Call,
  call,
  enrolledPerson,
  freshCode,
  type MfaHarness,
  type Person,
  signIn,
  startMfaHarness,
  totpCode,
} from './mfa-harness.js';

const BURST = 120;

let h: MfaHarness;
beforeAll(async () => {
  // The gateway sits behind a proxy here, so every request can come from its own address.
  h = await startMfaHarness({}, { TRUSTED_PROXY_CIDRS: '127.0.0.1/32,::1/128' });
});
afterAll(async () => {
  await h?.close();
});

/** Codes of steps far from now: wrong at the gateway's clock, and never used. */
const wrongCodes = (p: Person, n: number): string[] =>
  Array.from({ length: n }, (_, i) => totpCode(p.secret, h.clock.now(), 100 + i));

async function failedAttempts(email: string): Promise<number> {
  const rows = await h.database.db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM mfa_attempts a JOIN users u ON u.id = a.user_id
     WHERE u.email = $1 AND a.outcome = 'failed'`,
    [email],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Only refusals, four of them failures: the fifth failure answers account_locked. */
function expectRefusals(answers: readonly Call[]): void {
  expect(answers.every((a) => a.status === 401 || a.status === 403)).toBe(true);
  expect(answers.filter((a) => a.body.error === 'mfa_verification_failed')).toHaveLength(4);
}

/** What a burst did: at most 5 failures evaluated, one lock, one `mfa.lockout`. */
async function expectOneLock(email: string): Promise<void> {
  expect(await failedAttempts(email)).toBe(5);
  const failed = h.audit.of('mfa.verify').filter((e) => e.status === 'failed');
  expect(failed).toHaveLength(5);
  expect(h.audit.of('mfa.lockout')).toMatchObject([
    { resource: email, status: 'alert', details: { failed_attempts: 5 } },
  ]);
  const user = await findUserByEmail(h.database.db, email);
  expect(user?.lockedAt).not.toBeNull();
}

describe('finding 1: MFA attempt limits fail under concurrency', () => {
  it(`${BURST} concurrent wrong inline X-MFA-TOTP codes on an always route: 5 evaluated, one lock, the right code refused`, async () => {
    const admin = await enrolledPerson(h, 'admin@example.com');
    h.audit.clear();
    const create = (code: string, i: number) =>
      call(h, admin, 'POST', '/users', {
        json: { email: `burst${i}@example.com`, name: 'Burst', roles: ['viewer'] },
        headers: { 'x-mfa-totp': code },
      });
    const answers = await Promise.all(wrongCodes(admin, BURST).map(create));
    expectRefusals(answers);
    await expectOneLock('admin@example.com');
    const right = await create(freshCode(h, admin), BURST);
    expect(right.status).toBe(403);
    expect(right.body.error).toBe('account_locked');
    expect(await findUserByEmail(h.database.db, `burst${BURST}@example.com`)).toBeNull();
    expect(h.audit.of('user.create').filter((e) => e.status === 'success')).toHaveLength(0);
  });

  it(`${BURST} concurrent wrong codes at the web login challenge from many addresses: 5 evaluated, one lock`, async () => {
    const ops = await enrolledPerson(h, 'ops@example.com');
    const p = await signIn(h, 'ops@example.com');
    p.secret = ops.secret;
    h.audit.clear();
    const verify = (code: string, i: number) =>
      call(h, p, 'POST', '/auth/mfa/verify', {
        json: { code },
        headers: { 'x-forwarded-for': `198.51.100.${i % 250}` },
      });
    const answers = await Promise.all(wrongCodes(p, BURST).map(verify));
    expectRefusals(answers);
    await expectOneLock('ops@example.com');
    const right = await verify(freshCode(h, p), 251);
    expect(right.status).toBe(403);
    expect(right.body.error).toBe('account_locked');
    expect(h.audit.of('login.complete')).toHaveLength(0);
  });

  // Four replicas (each with its own in-process queue) on one database: only the database lock
  // can keep them from evaluating past the limit.
  it(`${BURST} concurrent verifyCode calls over four replicas evaluate at most 5`, async () => {
    const viewer = await enrolledPerson(h, 'viewer@example.com');
    const user = await findUserByEmail(h.database.db, 'viewer@example.com');
    const db = h.database.db;
    const settings = createSettingsStore({ db, clock: h.clock, logger: silentLogger, env: {} });
    const replica = () =>
      mfaDependencies({ config: h.config, db, clock: h.clock, audit: h.audit, settings });
    const deps = replica();
    const replicas = [deps, replica(), replica(), replica()];
    h.audit.clear();
    const ctx = {
      ip: '203.0.113.9',
      userAgent: 'burst',
      purpose: 'inline' as const,
      audit: {
        action: 'mfa.verify' as const,
        status: 'success' as const,
        actorType: 'user' as const,
        channel: 'cli' as const,
        occurredAt: h.clock.now(),
      },
    };
    const results = await Promise.all(
      wrongCodes(viewer, BURST).map((code, i) =>
        verifyCode(replicas[i % replicas.length] ?? deps, Number(user?.id), code, ctx),
      ),
    );
    const reasons = results.map((r) => (r.ok ? 'ok' : r.reason));
    expect(reasons.filter((r) => r === 'invalid_code')).toHaveLength(4);
    expect(reasons.filter((r) => r !== 'invalid_code' && r !== 'account_locked')).toEqual([]);
    await expectOneLock('viewer@example.com');
    const right = await verifyCode(deps, Number(user?.id), freshCode(h, viewer), ctx);
    expect(right).toEqual({ ok: false, reason: 'account_locked' });
  });
});
