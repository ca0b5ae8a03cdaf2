// The access steps as values (style.md §3): one mapping from a denial to status, X-Error-Reason,
// headers and body; the MFA-state gate; self scope; and the MFA levels with the step-up window.
import { describe, expect, it } from 'vitest';
import { checkMfaLevel, checkMfaState, checkPermission } from '../../src/access/access-checks.js';
import { DENIALS, denialError, deny } from '../../src/access/decision.js';
import type { Principal } from '../../src/access/principal.js';
import { ROLES } from '../../src/access/roles.js';
import type { GatewayRoute } from '../../src/access/route-types.js';
import { FAKE_TOTP_CODE, FakeMfa } from '../support/fake-mfa.js';

const now = new Date('2026-01-01T12:00:00Z');

function principal(
  overrides: Partial<Principal['session'] & object> = {},
  roles: ('viewer' | 'admin')[] = ['viewer'],
): Principal {
  return {
    kind: 'session',
    user: { id: 7, uid: 'u', email: 'me@example.com', name: 'Me', roles },
    session: {
      id: 's',
      channel: 'web',
      mfaState: 'not_required',
      mfaVerifiedAt: null,
      recentStepUpAt: null,
      ...overrides,
    },
    token: null,
    permissions: roles.flatMap((r) => ROLES[r].permissions),
  };
}

const route = (r: Partial<GatewayRoute>): GatewayRoute => ({
  method: 'GET',
  path: '/api/v1/x',
  permission: 'gateway:user:read',
  mfa: 'none',
  audit: null,
  ...r,
});

describe('decision mapping', () => {
  it('every reason maps to its status, X-Error-Reason and body', () => {
    for (const reason of Object.keys(DENIALS) as (keyof typeof DENIALS)[]) {
      const err = denialError(deny(reason));
      expect(err.status).toBe(DENIALS[reason].status);
      expect(err.code).toBe(reason);
      expect(err.headers['x-error-reason']).toBe(reason);
    }
  });

  it('permission_denied names the permission in the message, body and header', () => {
    const err = denialError(deny('permission_denied', { permission: 'gateway:user:create' }));
    expect(err.message).toBe(
      "You don't have permission to perform this action (requires gateway:user:create; roles that have it: admin; an admin assigns roles).",
    );
    expect(err.extra).toEqual({ permission: 'gateway:user:create' });
    expect(err.headers['x-required-permission']).toBe('gateway:user:create');
  });

  it('MFA denials carry X-MFA-Required, X-MFA-Level and X-MFA-Methods', () => {
    expect(
      denialError(deny('mfa_step_up_required', { level: 'step_up', methods: ['totp', 'webauthn'] }))
        .headers,
    ).toMatchObject({
      'x-mfa-required': 'step-up',
      'x-mfa-level': 'step_up',
      'x-mfa-methods': 'totp,webauthn',
    });
    expect(
      denialError(deny('mfa_verification_failed', { level: 'always' })).headers['x-mfa-required'],
    ).toBe('always');
    expect(denialError(deny('mfa_challenge_required')).headers['x-mfa-required']).toBe('challenge');
  });
});

describe('MFA-state gate', () => {
  it('pending enrolment passes only preMfa any; a pending challenge also passes preMfa challenge', () => {
    const enrol = principal({ mfaState: 'enrolment_required' });
    expect(checkMfaState(enrol, route({ preMfa: 'any' })).allow).toBe(true);
    expect(checkMfaState(enrol, route({ preMfa: 'challenge' }))).toMatchObject({
      allow: false,
      reason: 'mfa_enrollment_required',
    });
    const challenge = principal({ mfaState: 'challenge_pending' });
    expect(checkMfaState(challenge, route({ preMfa: 'challenge' })).allow).toBe(true);
    expect(checkMfaState(challenge, route({}))).toMatchObject({
      allow: false,
      reason: 'mfa_challenge_required',
    });
    expect(checkMfaState(principal(), route({})).allow).toBe(true);
  });
});

describe('permission and self scope', () => {
  const self = route({ path: '/api/v1/users/:email', selfPermission: 'auth:profile:read' });
  it('the route permission gives scope all; the self permission only the caller’s own objects', () => {
    expect(
      checkPermission(principal({}, ['admin']), self, { email: 'other@example.com' }),
    ).toMatchObject({ scope: 'all', decision: { allow: true } });
    expect(checkPermission(principal(), self, { email: 'ME@example.com' })).toMatchObject({
      scope: 'self',
      decision: { allow: true },
    });
    expect(
      checkPermission(principal(), self, { email: 'other@example.com' }).decision,
    ).toMatchObject({ allow: false, reason: 'permission_denied', permission: 'gateway:user:read' });
    expect(checkPermission(principal(), route({}), {}).decision.allow).toBe(false);
  });
});

describe('MFA levels', () => {
  const mfa = new FakeMfa();
  mfa.enrolled.add(7);
  const ctx = (inline: string | null) => ({
    mfa,
    stepUpWindowMinutes: 10,
    inline:
      inline === null ? null : { kind: 'totp' as const, value: inline, source: 'header' as const },
    now,
    attempt: {
      ip: '127.0.0.1',
      userAgent: 'test',
      purpose: 'inline' as const,
      audit: {
        action: 'mfa.verify' as const,
        status: 'success' as const,
        actorType: 'user' as const,
        channel: 'web' as const,
      },
    },
  });
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

  it('step-up passes within the window and asks for MFA after it', async () => {
    const fresh = principal({ recentStepUpAt: minutesAgo(9) });
    expect((await checkMfaLevel(fresh, route({ mfa: 'step_up' }), ctx(null))).decision.allow).toBe(
      true,
    );
    const stale = principal({ recentStepUpAt: minutesAgo(11) });
    expect(
      (await checkMfaLevel(stale, route({ mfa: 'step_up' }), ctx(null))).decision,
    ).toMatchObject({ reason: 'mfa_step_up_required', methods: ['totp'] });
    expect(
      (await checkMfaLevel(stale, route({ mfa: 'step_up' }), ctx(FAKE_TOTP_CODE))).verified?.method,
    ).toBe('totp');
  });

  it('always needs an inline value even right after a verification', async () => {
    const fresh = principal({ recentStepUpAt: minutesAgo(0) });
    expect(
      (await checkMfaLevel(fresh, route({ mfa: 'always' }), ctx(null))).decision,
    ).toMatchObject({ reason: 'mfa_required' });
    expect(
      (await checkMfaLevel(fresh, route({ mfa: 'always' }), ctx('000000'))).decision,
    ).toMatchObject({ reason: 'mfa_verification_failed' });
    expect(
      (await checkMfaLevel(fresh, route({ mfa: 'always' }), ctx(FAKE_TOTP_CODE))).decision.allow,
    ).toBe(true);
  });

  it('without a confirmed method: enrolment required, unless the route waives its level', async () => {
    const other = { ...principal(), user: { ...principal().user, id: 8 } };
    expect(
      (await checkMfaLevel(other, route({ mfa: 'always' }), ctx(FAKE_TOTP_CODE))).decision,
    ).toMatchObject({ reason: 'mfa_enrollment_required' });
    expect(
      (
        await checkMfaLevel(
          other,
          route({ mfa: 'always', mfaWaivedWithoutMethods: true }),
          ctx(null),
        )
      ).decision.allow,
    ).toBe(true);
    expect(
      (await checkMfaLevel(other, route({ mfa: 'none' }), ctx('ignored'))).decision.allow,
    ).toBe(true);
  });
});
