// A stand-in MFA service for tests of identity and access that are not about MFA itself: users
// listed have a confirmed TOTP method, the inline code FAKE_TOTP_CODE verifies (any other code
// fails) and no trusted device exists. MFA's own tests (test/mfa) use the real service.
import type { InlineMfa, MfaMethods } from '../../src/identity/mfa-hooks.js';

export const FAKE_TOTP_CODE = '424242';

export class FakeMfa implements MfaMethods {
  readonly enrolled = new Set<number>();
  readonly verifications: { userId: number; sessionId: string | null }[] = [];

  async confirmedMethods(userId: number) {
    return this.enrolled.has(userId) ? (['totp'] as const) : ([] as const);
  }

  async verifyInline(userId: number, sessionId: string | null, inline: InlineMfa) {
    if (!this.enrolled.has(userId) || inline.kind !== 'totp' || inline.value !== FAKE_TOTP_CODE)
      return { ok: false as const, reason: 'invalid_code' as const };
    this.verifications.push({ userId, sessionId });
    return { ok: true as const, method: 'totp' as const, verifiedAt: new Date() };
  }

  async trustedLogin() {
    return { status: 'none' as const };
  }
}
