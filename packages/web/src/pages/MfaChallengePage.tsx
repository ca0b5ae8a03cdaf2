// The web login challenge "Multi-Factor Authentication Required" (web-ui.md §6, identity.md §3):
// an authenticator or backup code, optionally "trust this device", then on to the sanitised
// `redirect`. Passing it rotates the session (the gateway sets the new cookie).
import { type FormEvent, useEffect, useState } from 'react';
import { codeError, getJson, type Info, postJson, safeRedirect, signOut } from '../api.ts';
import { CodeField } from '../components/CodeField.tsx';

interface Status {
  enrolled: boolean;
  trusted_device_ttl_days: number;
}

export function MfaChallengePage() {
  const redirect = safeRedirect(new URLSearchParams(window.location.search).get('redirect'));
  const [status, setStatus] = useState<Status | null>(null);
  const [code, setCode] = useState('');
  const [trust, setTrust] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJson<Info>('/api/v1/info')
      .then(async (info) => {
        if (info.user.mfa_state !== 'challenge_pending') return window.location.assign(redirect);
        const s = await getJson<Status>('/api/v1/auth/mfa/status');
        if (!s.enrolled)
          return window.location.assign(
            `/app/account/security?enrollment=required&redirect=${encodeURIComponent(redirect)}`,
          );
        setStatus(s);
      })
      .catch(() => window.location.assign(`/app/login?redirect=${encodeURIComponent(redirect)}`));
  }, [redirect]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    postJson('/api/v1/auth/mfa/verify', { code: code.trim(), trust_device: trust })
      .then(() => window.location.assign(redirect))
      .catch((e: unknown) => {
        setBusy(false);
        setCode('');
        setError(codeError(e));
      });
  };

  return (
    <main className="card">
      <h1 className="card__title">Multi-Factor Authentication Required</h1>
      {status && (
        <form onSubmit={submit}>
          <p className="card__text">
            Enter the code from your authenticator app, or one of your backup codes.
          </p>
          <CodeField id="mfa-code" value={code} onChange={setCode} error={error} />
          {status.trusted_device_ttl_days > 0 && (
            <label className="check">
              <input type="checkbox" checked={trust} onChange={(e) => setTrust(e.target.checked)} />
              Trust this device for {status.trusted_device_ttl_days} days
            </label>
          )}
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy || !code}>
              Verify
            </button>
            <button type="button" className="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
