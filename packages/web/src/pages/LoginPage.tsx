import { providerName, safeRedirect, signInLabel } from '../api.ts';

export function LoginPage() {
  const redirect = safeRedirect(new URLSearchParams(window.location.search).get('redirect'));
  const href = `/api/v1/auth/web/login?returnTo=${encodeURIComponent(redirect)}`;
  return (
    <main className="card">
      <h1 className="card__title">Sign in to Rack Gateway</h1>
      <p className="card__text">Use your company account to continue.</p>
      <a className="button button--primary" href={href} data-testid="login-cta">
        {signInLabel(providerName())}
      </a>
    </main>
  );
}
