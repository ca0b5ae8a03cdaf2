// How a session that no longer validates is refused (identity.md §6; issue 19 finding 7b): a
// cookie or CLI token replayed after logout is told it was signed out, one revoked from a session
// list or by an admin's change to the account is told it was revoked, and only a session that ran
// out is told it expired. Each answer is 401 with the same reason in the body and X-Error-Reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../support/api-client.js';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInCli, signInWeb } from '../support/sign-in.js';

describe('ended sessions say how they ended', () => {
  let h: IdentityHarness;
  const info = (caller: Parameters<typeof callApi>[1]) =>
    callApi(h.url, caller, 'GET', '/api/v1/info');
  const refusal = (res: Awaited<ReturnType<typeof info>>) => ({
    status: res.status,
    header: res.headers.get('x-error-reason'),
    error: res.body.error,
    message: res.body.message,
  });

  beforeAll(async () => {
    h = await startIdentityHarness();
    const [admin] = await h.database.db.query<{ id: number }>(
      "SELECT id FROM users WHERE email = 'admin@example.com'",
    );
    h.mfa.enrolled.add(Number(admin?.id));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a session cookie replayed after logout is told it was signed out, not that it expired', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    const out = await callApi(h.url, { web }, 'POST', '/api/v1/auth/logout');
    expect(out.status).toBe(200);
    expect(refusal(await info({ web }))).toEqual({
      status: 401,
      header: 'session_signed_out',
      error: 'session_signed_out',
      message: 'You signed out of this session. Sign in again to continue.',
    });
  });

  it('a CLI token used after its logout is told the same', async () => {
    const token = await signInCli(h.url, 'ops@example.com');
    expect((await callApi(h.url, { bearer: token }, 'POST', '/api/v1/auth/logout')).status).toBe(
      200,
    );
    expect(refusal(await info({ bearer: token }))).toMatchObject({
      status: 401,
      error: 'session_signed_out',
    });
  });

  it("a session an admin ended (revoked, or the user's roles changed) is told it was revoked", async () => {
    const admin = await signInWeb(h.url, 'admin@example.com');
    const revokedOne = await signInWeb(h.url, 'deployer@example.com');
    const { id } = (await info({ web: revokedOne })).body.session as { id: string };
    const mfa = { 'x-mfa-totp': FAKE_TOTP_CODE };
    const revoke = await callApi(
      h.url,
      { web: admin },
      'POST',
      `/api/v1/users/deployer@example.com/sessions/${id}/revoke`,
      { headers: mfa },
    );
    expect(revoke.status).toBe(200);
    expect(refusal(await info({ web: revokedOne }))).toEqual({
      status: 401,
      header: 'session_revoked',
      error: 'session_revoked',
      message:
        'This session was revoked (from a session list, or by an admin change to your account). Sign in again.',
    });

    const demoted = await signInCli(h.url, 'deployer@example.com');
    const change = await callApi(
      h.url,
      { web: admin },
      'PUT',
      '/api/v1/users/deployer@example.com',
      {
        body: { roles: ['viewer'] },
        headers: mfa,
      },
    );
    expect(change.status).toBe(200);
    expect(refusal(await info({ bearer: demoted }))).toMatchObject({ error: 'session_revoked' });
  });

  it('a session that ran out is still told it expired, also on the next request', async () => {
    const web = await signInWeb(h.url, 'viewer@example.com');
    h.clock.advanceMinutes(31);
    const first = refusal(await info({ web }));
    expect(first).toMatchObject({ status: 401, error: 'session_expired' });
    expect(first.message).toBe('Your session has expired. Sign in again.');
    expect(refusal(await info({ web }))).toMatchObject({ error: 'session_expired' });
  });
});
