// Where multi-factor authentication plugs into identity and access (identity.md §14). Identity
// and access ask: which confirmed methods does a user have, is the inline value on this request
// valid (verified and consumed, attempts counted), and does a trusted-device cookie satisfy a web
// login challenge. `src/mfa/` implements it; `app.ts` passes that implementation in.
import type { MfaState } from '../access/principal.js';
import type { AuditEventInput } from '../audit/audit-log.js';

export type MfaMethodType = 'totp' | 'webauthn' | 'yubiotp';

/** An inline MFA value (identity.md §14.9) found on a request, before verification. */
export type InlineMfa =
  | { readonly kind: 'totp'; readonly value: string; readonly source: 'header' | 'suffix' }
  | { readonly kind: 'webauthn'; readonly value: string; readonly source: 'header' | 'suffix' };

export type InlineVerification =
  | {
      readonly ok: true;
      readonly method: MfaMethodType | 'backup_code';
      readonly verifiedAt: Date;
    }
  | {
      readonly ok: false;
      readonly reason:
        | 'invalid_code'
        | 'replay'
        | 'challenge_expired'
        | 'rate_limited'
        | 'account_locked';
      /** For `rate_limited`: when another attempt is allowed. */
      readonly retryAfterSeconds?: number;
    };

export type VerificationPurpose = 'login' | 'cli_login' | 'step_up' | 'inline' | 'handoff';

/** Who attempts a verification, for the attempt record and the `mfa.verify` event. */
export interface AttemptContext {
  readonly ip: string;
  readonly userAgent: string;
  readonly purpose: VerificationPurpose;
  /** The request's audit fields (actor, channel, IP, request id); action and status are replaced. */
  readonly audit: AuditEventInput;
}

/** A trusted-device cookie checked at a web login (identity.md §14.7). */
export type TrustedLogin =
  | { readonly status: 'trusted'; readonly deviceId: string }
  | { readonly status: 'revoked' }
  | { readonly status: 'none' };

export interface MfaMethods {
  confirmedMethods(userId: number): Promise<readonly MfaMethodType[]>;
  /**
   * Verifies (and consumes) an inline value for `userId`, counting the attempt; on success the
   * session (null for API tokens) gets its step-up stamp.
   */
  verifyInline(
    userId: number,
    sessionId: string | null,
    inline: InlineMfa,
    context: AttemptContext,
  ): Promise<InlineVerification>;
  /** Checks (and on a mismatch revokes) the trusted device behind a cookie at a web login. */
  trustedLogin(
    userId: number,
    token: string,
    context: { readonly ip: string; readonly userAgent: string },
  ): Promise<TrustedLogin>;
}

/** MFA is required by the global setting or by the user's own enforcement (identity.md §14.1). */
export const mfaRequired = (requireAll: boolean, enforcedAt: Date | null): boolean =>
  requireAll || enforcedAt !== null;

/** The state a new web session starts in (before a trusted device is considered). */
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
