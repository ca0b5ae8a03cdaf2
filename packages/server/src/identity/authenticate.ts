// Who is calling (architecture.md request flow, step 2): a session (cookie, Bearer or Basic) or an
// API token, or nobody. API tokens plug in through `ApiTokenResolver` (access-control.md §7);
// until that issue lands every `rgw_…` credential is unknown.
import type { Principal } from '../access/principal.js';
import { type CredentialSource, readCredential } from './credentials.js';
import type { InlineMfa } from './mfa-hooks.js';
import { sessionPrincipal } from './principals.js';
import {
  type Deadlines,
  type SessionRefusal,
  type ValidationDeps,
  validateSession,
} from './sessions/session-validation.js';

export interface RequestContext {
  readonly ip: string;
  readonly userAgent: string;
  readonly requestId: string;
  readonly now: Date;
}

/**
 * Resolves an `rgw_…` API token to its principal. `ownerLocked` marks a valid token whose owner is
 * locked: the caller is told `account_locked`, not that the token is unknown.
 */
export interface ApiTokenResolver {
  resolve(
    token: string,
    context: RequestContext,
  ): Promise<
    | { readonly ok: true; readonly principal: Principal }
    | { readonly ok: false; readonly ownerLocked?: boolean }
  >;
}

/** The resolver in force until API tokens exist: every token is unknown (401). */
export const UNKNOWN_API_TOKENS: ApiTokenResolver = { resolve: async () => ({ ok: false }) };

/** What identity learned about the credential, besides the principal (for CSRF, /info, MFA). */
export interface CredentialContext {
  readonly source: CredentialSource;
  /** The raw session token (CSRF derivation, rotation); null for API tokens. */
  readonly sessionToken: string | null;
  readonly inline: InlineMfa | null;
  readonly session: {
    readonly deadlines: Deadlines;
    readonly mfaRequired: boolean;
    readonly mfaEnrolled: boolean;
  } | null;
}

export type Authentication =
  | { readonly status: 'anonymous'; readonly inline: InlineMfa | null }
  | {
      readonly status: 'authenticated';
      readonly principal: Principal;
      readonly credential: CredentialContext;
    }
  | {
      readonly status: 'failed';
      readonly error: 'unauthenticated' | SessionRefusal | 'mfa_ambiguous';
      /** A credential was checked and found bad (counts toward the `api` limits). */
      readonly credentialFailure: boolean;
    };

export interface AuthenticatorDeps extends ValidationDeps {
  readonly apiTokens: ApiTokenResolver;
}

export type Authenticator = (
  headers: Record<string, string | string[] | undefined>,
  sessionCookie: string | undefined,
  context: RequestContext,
) => Promise<Authentication>;

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  return async (headers, sessionCookie, context) => {
    const presented = readCredential(headers, sessionCookie);
    switch (presented.kind) {
      case 'none':
        return { status: 'anonymous', inline: presented.inline };
      case 'invalid':
        return { status: 'failed', error: 'unauthenticated', credentialFailure: true };
      case 'ambiguous_mfa':
        return { status: 'failed', error: 'mfa_ambiguous', credentialFailure: false };
      case 'api_token': {
        const resolved = await deps.apiTokens.resolve(presented.token, context);
        if (!resolved.ok && resolved.ownerLocked === true)
          return { status: 'failed', error: 'account_locked', credentialFailure: false };
        if (!resolved.ok)
          return { status: 'failed', error: 'unauthenticated', credentialFailure: true };
        const credential = {
          source: presented.source,
          sessionToken: null,
          inline: presented.inline,
          session: null,
        };
        return { status: 'authenticated', principal: resolved.principal, credential };
      }
      case 'session': {
        const v = await validateSession(deps, presented.token, context);
        if (!v.ok)
          return {
            status: 'failed',
            error: v.error,
            credentialFailure: v.error !== 'account_locked',
          };
        const credential: CredentialContext = {
          source: presented.source,
          sessionToken: presented.token,
          inline: presented.inline,
          session: {
            deadlines: v.deadlines,
            mfaRequired: v.mfaRequired,
            mfaEnrolled: v.mfaEnrolled,
          },
        };
        return { status: 'authenticated', principal: sessionPrincipal(v), credential };
      }
    }
  };
}
