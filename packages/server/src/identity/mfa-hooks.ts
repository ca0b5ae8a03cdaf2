// Where multi-factor authentication plugs in (identity.md §14; implemented by the MFA issue).
// Identity and access only ask two questions: which confirmed methods does a user have, and is
// the inline value on this request valid. Until MFA exists nobody has a confirmed method.
import type { MfaState } from '../access/principal.js';

export type MfaMethodType = 'totp' | 'webauthn' | 'yubiotp';

/** An inline MFA value (identity.md §14.9) found on a request, before verification. */
export type InlineMfa =
  | { readonly kind: 'totp'; readonly value: string; readonly source: 'header' | 'suffix' }
  | { readonly kind: 'webauthn'; readonly value: string; readonly source: 'header' | 'suffix' };

export type InlineVerification =
  | { readonly ok: true; readonly method: MfaMethodType; readonly verifiedAt: Date }
  | { readonly ok: false; readonly reason: 'invalid_code' | 'replay' | 'challenge_expired' };

export interface MfaMethods {
  confirmedMethods(userId: number): Promise<readonly MfaMethodType[]>;
  /** Verifies (and consumes) an inline value for `userId`; session id null for API tokens. */
  verifyInline(
    userId: number,
    sessionId: string | null,
    inline: InlineMfa,
  ): Promise<InlineVerification>;
}

/** The production default until the MFA issue lands: no user has a confirmed method. */
export const NO_MFA_METHODS: MfaMethods = {
  confirmedMethods: async () => [],
  verifyInline: async () => ({ ok: false, reason: 'invalid_code' }),
};

/** MFA is required by the global setting or by the user's own enforcement (identity.md §14.1). */
export const mfaRequired = (requireAll: boolean, enforcedAt: Date | null): boolean =>
  requireAll || enforcedAt !== null;

/** The state a new web session starts in (trusted devices and challenges come with MFA). */
export function loginMfaState(required: boolean, enrolled: boolean): MfaState {
  if (!required) return 'not_required';
  return enrolled ? 'challenge_pending' : 'enrolment_required';
}

/**
 * The state a session has now: a verified session stays verified; any other is re-evaluated with
 * the current policy, so a setting change applies to existing sessions (identity.md §1, §14.1).
 */
export function effectiveMfaState(
  stored: MfaState,
  required: boolean,
  enrolled: boolean,
): MfaState {
  if (stored === 'verified') return required && !enrolled ? 'enrolment_required' : 'verified';
  return loginMfaState(required, enrolled);
}

export const isPendingMfa = (state: MfaState): boolean =>
  state === 'challenge_pending' || state === 'enrolment_required';
