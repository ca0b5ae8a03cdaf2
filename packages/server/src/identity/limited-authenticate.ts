// The authenticator behind the credential-failure limits (identity.md §13): a presented credential
// takes a slot of its own (address, credential) budget before it is looked up and settles it
// with the outcome; the address budget only refuses requests that end up unauthenticated.
import type { Authentication, Authenticator, RequestContext } from './authenticate.js';
import type { CredentialFailures, Outcome, Refusal } from './credential-failures.js';
import { credentialIdentity } from './credentials.js';

export type LimitedAuthentication =
  | Authentication
  | { readonly status: 'throttled'; readonly refusal: Refusal };

export type LimitedAuthenticator = (
  headers: Record<string, string | string[] | undefined>,
  sessionCookie: string | undefined,
  context: RequestContext,
  /** Public routes serve a stale credential as anonymous; its failure is not counted. */
  publicRoute: boolean,
) => Promise<LimitedAuthentication>;

const outcomeOf = (auth: Authentication, publicRoute: boolean): Outcome => {
  if (auth.status === 'authenticated') return 'valid';
  const counts = auth.status === 'failed' && auth.credentialFailure && !publicRoute;
  return counts && auth.error === 'unauthenticated' ? 'failed' : 'neutral';
};

/** Serves as anonymous unless the address is over its failure budget. */
function unlessAddressBlocked(
  failures: CredentialFailures,
  auth: Authentication,
  ip: string,
): LimitedAuthentication {
  const address = failures.address(ip);
  return address.ok ? auth : { status: 'throttled', refusal: address };
}

export function limitCredentialFailures(
  authenticate: Authenticator,
  failures: CredentialFailures,
): LimitedAuthenticator {
  return async (headers, sessionCookie, context, publicRoute) => {
    const identity = credentialIdentity(headers, sessionCookie);
    if (identity === null) {
      const auth = await authenticate(headers, sessionCookie, context);
      return unlessAddressBlocked(failures, auth, context.ip);
    }
    const slot = await failures.claim(failures.keyOf(context.ip, identity));
    if (!slot.ok) return { status: 'throttled', refusal: slot };
    let auth: Authentication;
    try {
      auth = await authenticate(headers, sessionCookie, context);
    } catch (err) {
      slot.settle('neutral');
      throw err;
    }
    const verdict = slot.settle(outcomeOf(auth, publicRoute));
    if (!verdict.ok) return { status: 'throttled', refusal: verdict };
    if (auth.status === 'authenticated') return auth;
    // A stale credential on a public route is served as anonymous, so it meets the address budget.
    return publicRoute ? unlessAddressBlocked(failures, auth, context.ip) : auth;
  };
}
