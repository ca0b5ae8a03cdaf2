// ID token claim rules (identity.md §2): e-mail required and lower-cased, `email_verified` true
// (Google always; generic unless OIDC_REQUIRE_EMAIL_VERIFIED=false), the e-mail domain — and for
// Google the `hd` claim — in OIDC_ALLOWED_DOMAINS when a list is configured. Domains compare
// exactly and case-insensitively; subdomains are not implied.
import type { Config } from '../../config/types.js';

export interface VerifiedIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string;
  readonly name: string;
}

export type ClaimsOutcome =
  | { readonly ok: true; readonly identity: VerifiedIdentity }
  | {
      readonly ok: false;
      readonly reason: 'email_unverified' | 'domain_not_allowed';
      readonly email: string;
    };

export const domainOf = (email: string): string =>
  email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export function domainAllowed(config: Config, email: string): boolean {
  const allowed = config.oidc.allowedDomains.map((d) => d.toLowerCase());
  return allowed.length === 0 || allowed.includes(domainOf(email));
}

export function checkClaims(
  config: Config,
  claims: Readonly<Record<string, unknown>>,
): ClaimsOutcome {
  const o = config.oidc;
  const rawEmail = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  // A token without a usable e-mail address cannot identify a user: same refusal as unverified.
  if (!/^[^@\s]+@[^@\s]+$/.test(rawEmail))
    return { ok: false, reason: 'email_unverified', email: '' };
  const mustVerify = o.profile === 'google' || o.requireEmailVerified;
  if (mustVerify && claims.email_verified !== true)
    return { ok: false, reason: 'email_unverified', email: rawEmail };
  if (!domainAllowed(config, rawEmail))
    return { ok: false, reason: 'domain_not_allowed', email: rawEmail };
  if (o.profile === 'google' && o.allowedDomains.length > 0) {
    const hd = typeof claims.hd === 'string' ? claims.hd.toLowerCase() : '';
    if (!o.allowedDomains.map((d) => d.toLowerCase()).includes(hd))
      return { ok: false, reason: 'domain_not_allowed', email: rawEmail };
  }
  const name =
    typeof claims.name === 'string' && claims.name.trim() !== ''
      ? claims.name.trim()
      : rawEmail.slice(0, rawEmail.indexOf('@'));
  return {
    ok: true,
    identity: {
      issuer: String(claims.iss),
      subject: String(claims.sub),
      email: rawEmail,
      name: name.slice(0, 120),
    },
  };
}
