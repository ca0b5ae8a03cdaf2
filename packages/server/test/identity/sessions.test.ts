// Sessions (identity.md §6, §14.1, §16 check 7): idle and absolute limits with the injected clock
// and the current settings, sliding refresh at most once a minute, revocation refused on the next
// request, listing and revoking one or all, and the MFA-state gate of pending sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/identity/secrets.js';
import { callApi } from '../support/api-client.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInCli, signInWeb } from '../support/sign-in.js';

const info = (h: IdentityHarness, caller: Parameters<typeof callApi>[1]) =>
  callApi(h.url, caller, 'GET', '/api/v1/info');

describe('sessions', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentityHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a web session idle for 31 minutes is refused with session_expired (revoked expired_idle)', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    h.clock.advanceMinutes(29);
    expect((await info(h, { web })).status).toBe(200);
    h.clock.advanceMinutes(31);
    const res = await info(h, { web });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('session_expired');
    const row = await h.database.db.query(
      'SELECT revoked_reason FROM sessions WHERE token_hash = $1',
      [sha256Hex(web.token)],
    );
    expect(row[0]?.revoked_reason).toBe('expired_idle');
  });

  it('a continuously active web session ends after 12 hours (expired_absolute)', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      h.clock.advanceMinutes(20);
      expect((await info(h, { web })).status, `after ${minutes + 20} min`).toBe(200);
    }
    h.clock.advanceMinutes(20);
    const res = await info(h, { web });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('session_expired');
  });

  it('timeouts follow the current settings (a longer idle timeout applies to existing sessions)', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    await h.app.settings.set('session_idle_timeout_minutes', 60, null);
    try {
      h.clock.advanceMinutes(45);
      expect((await info(h, { web })).status).toBe(200);
    } finally {
      await h.app.settings.clear('session_idle_timeout_minutes');
    }
    h.clock.advanceMinutes(31);
    expect((await info(h, { web })).status).toBe(401);
  });

  it('a CLI session lasts 30 idle days and at most 90 days', async () => {
    const token = await signInCli(h.url, 'ops@example.com');
    h.clock.advanceMinutes(29 * 24 * 60);
    const alive = await info(h, { bearer: token });
    expect(alive.status).toBe(200);
    expect(alive.body.session).toMatchObject({ channel: 'cli' });
    for (let day = 0; day < 2; day++) {
      h.clock.advanceMinutes(29 * 24 * 60);
      expect((await info(h, { bearer: token })).status).toBe(200);
    }
    h.clock.advanceMinutes(4 * 24 * 60);
    expect((await info(h, { bearer: token })).status).toBe(401);
  });

  it('slides last_seen_at at most once a minute', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    const seen = async () =>
      String(
        (
          await h.database.db.query('SELECT last_seen_at FROM sessions WHERE token_hash = $1', [
            sha256Hex(web.token),
          ])
        )[0]?.last_seen_at,
      );
    const first = await seen();
    h.clock.advance(30_000);
    await info(h, { web });
    expect(await seen()).toBe(first);
    h.clock.advance(31_000);
    await info(h, { web });
    expect(await seen()).not.toBe(first);
  });

  it('lists own sessions, revokes one (refused on its next request) and all but the current', async () => {
    const a = await signInWeb(h.url, 'deployer@example.com');
    const b = await signInWeb(h.url, 'deployer@example.com');
    const c = await signInCli(h.url, 'deployer@example.com');
    const list = await callApi(
      h.url,
      { web: a },
      'GET',
      '/api/v1/users/deployer@example.com/sessions',
    );
    expect(list.status).toBe(200);
    const current = list.list.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(list.list.find((s) => s.channel === 'cli')).toMatchObject({
      device_name: 'test-laptop',
      device_os: 'linux',
      client_version: '0.1.0',
    });
    const bId = (await callApi(h.url, { web: b }, 'GET', '/api/v1/info')).body.session as {
      id: string;
    };
    const revoked = await callApi(
      h.url,
      { web: a },
      'POST',
      `/api/v1/users/deployer@example.com/sessions/${bId.id}/revoke`,
    );
    // Revoking is MFA level always: a user without methods must enrol first.
    expect(revoked.body.error).toBe('mfa_enrollment_required');
    h.mfa.enrolled.add(
      Number(
        (await h.database.db.query("SELECT id FROM users WHERE email = 'deployer@example.com'"))[0]
          ?.id,
      ),
    );
    const mfa = { 'x-mfa-totp': '424242' };
    const ok = await callApi(
      h.url,
      { web: a },
      'POST',
      `/api/v1/users/deployer@example.com/sessions/${bId.id}/revoke`,
      { headers: mfa },
    );
    expect(ok).toMatchObject({ status: 200, body: { revoked: true } });
    expect((await info(h, { web: b })).body.error).toBe('session_revoked');
    expect(h.audit.of('session.revoke').at(-1)).toMatchObject({
      resource: bId.id,
      details: { target_email: 'deployer@example.com', channel: 'web' },
    });
    const all = await callApi(
      h.url,
      { web: a },
      'POST',
      '/api/v1/users/deployer@example.com/sessions/revoke_all?keep_current=true',
      { headers: mfa },
    );
    expect(all.body.revoked_count).toBeGreaterThanOrEqual(2);
    expect((await info(h, { bearer: c })).status).toBe(401);
    expect((await info(h, { web: a })).status).toBe(200);
    const viewer = await signInWeb(h.url, 'viewer@example.com');
    const foreign = await callApi(
      h.url,
      { web: viewer },
      'GET',
      '/api/v1/users/deployer@example.com/sessions',
    );
    expect(foreign.status).toBe(403);
  });

  it('with MFA required, a new session is pending enrolment: only preMfa routes pass, 10 minutes at most', async () => {
    await h.app.settings.set('mfa_require_all_users', true, null);
    try {
      const web = await signInWeb(h.url, 'viewer@example.com');
      expect(web.history.at(-1)?.location).toBe(
        `${h.url}/app/account/security?enrollment=required&redirect=%2Fapp%2Frack`,
      );
      const me = await info(h, { web });
      expect(me.status).toBe(200);
      expect((me.body.user as { mfa_state: string }).mfa_state).toBe('enrolment_required');
      const users = await callApi(h.url, { web }, 'GET', '/api/v1/users');
      expect(users.status).toBe(403);
      expect(users.body.error).toBe('mfa_enrollment_required');
      expect(users.headers.get('x-mfa-required')).toBe('enrollment');
      expect(
        h.audit
          .of('login.complete')
          .filter((e) => e.sessionId === (me.body.session as { id: string }).id),
      ).toEqual([]);
      h.clock.advanceMinutes(11);
      expect((await info(h, { web })).status).toBe(401);
    } finally {
      await h.app.settings.clear('mfa_require_all_users');
    }
  });
});
