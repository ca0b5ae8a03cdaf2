// Who is calling (architecture.md request flow, step 2). Identity builds one Principal per
// request from a session (cookie, Bearer or Basic) or an API token; access decides from it.
import type { PermissionPattern } from './permissions.js';
import type { UserRole } from './roles.js';

export type MfaState = 'verified' | 'challenge_pending' | 'enrolment_required' | 'not_required';

export interface PrincipalUser {
  /** Internal numeric id (foreign keys). */
  readonly id: number;
  /** Public UUID of the user (audit `user_id`). */
  readonly uid: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly UserRole[];
}

export interface PrincipalSession {
  /** Public UUID of the session (never the token). */
  readonly id: string;
  readonly channel: 'web' | 'cli';
  readonly mfaState: MfaState;
  readonly mfaVerifiedAt: Date | null;
  readonly recentStepUpAt: Date | null;
}

export interface PrincipalToken {
  /** Public UUID of the API token. */
  readonly id: string;
  readonly name: string;
  /** The token's own permission list (patterns), before intersecting with its owner. */
  readonly permissions: readonly PermissionPattern[];
  readonly expiresAt: Date | null;
}

export interface Principal {
  readonly kind: 'session' | 'api_token';
  /** The acting user (the token's owner for API tokens). */
  readonly user: PrincipalUser;
  readonly session: PrincipalSession | null;
  readonly token: PrincipalToken | null;
  /**
   * Effective permission patterns: the user's roles, or for tokens the token list bounded by the
   * owner's current roles (access-control.md §6). Use `hasPermission` to test a concrete permission.
   */
  readonly permissions: readonly PermissionPattern[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by identity's authentication hook; null for anonymous callers. */
    principal: Principal | null;
  }
}
