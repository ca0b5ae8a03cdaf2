// Fixed text per reason (identity.md §3): text from the identity provider is never shown.
const MESSAGES: Readonly<Record<string, string>> = {
  idp_error: 'The identity provider did not complete the sign-in.',
  idp_unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  state_expired: 'This sign-in link expired or was already used. Start the sign-in again.',
  exchange_failed:
    'The identity provider did not accept this sign-in (it may have taken too long). Start the sign-in again.',
  idp_client_rejected:
    "The identity provider refused this gateway's client credentials, so nobody can sign in. Ask an administrator to check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.",
  id_token_invalid:
    "The identity provider's answer failed verification, so the sign-in was refused. Ask an administrator to check the gateway's log.",
  email_unverified: 'Your identity provider did not confirm your e-mail address.',
  domain_not_allowed: 'Accounts from this domain cannot sign in to this gateway.',
  identity_mismatch:
    'This e-mail address is linked to a different account at the identity provider.',
  unknown_user: 'There is no user for this account. Ask an administrator to add you.',
  user_locked: 'account locked: ask an admin',
  user_suspended: 'Your account is suspended. Ask an administrator for help.',
  login_denied: 'The CLI login was denied.',
};

export function AuthErrorPage() {
  const reason = new URLSearchParams(window.location.search).get('reason') ?? '';
  const message = MESSAGES[reason] ?? 'The sign-in failed.';
  return (
    <main className="card">
      <h1 className="card__title">Sign-in failed</h1>
      <p className="card__text" data-reason={reason in MESSAGES ? reason : 'unknown'}>
        {message}
      </p>
      <a className="button button--primary" href="/app/login">
        Back to sign-in
      </a>
    </main>
  );
}
