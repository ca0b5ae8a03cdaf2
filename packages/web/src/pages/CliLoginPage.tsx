// "Approve CLI Login": shows the request's details and asks to compare the confirmation code with
// the terminal before approving (identity.md §4 step 7). Approving is MFA level always: an enrolled
// user types a fresh code every time (trusted devices and the step-up window never count).
import { useEffect, useState } from 'react';
import { ApiError, codeError, getJson, type Info, postJson } from '../api.ts';
import { CodeField } from '../components/CodeField.tsx';

interface Details {
  confirmation_code: string;
  device_name: string;
  device_os: string;
  client_version: string;
  ip: string;
  started_at: string;
  expires_at: string;
  status: string;
}

export function CliLoginPage() {
  const params = new URLSearchParams(window.location.search);
  const state = params.get('state') ?? '';
  const failed = params.get('error');
  const [details, setDetails] = useState<Details | null>(null);
  const [error, setError] = useState<string | null>(
    failed ? `The sign-in failed (${failed}).` : null,
  );
  const [busy, setBusy] = useState(false);
  const [enrolled, setEnrolled] = useState(false);
  const [code, setCode] = useState('');
  const [codeProblem, setCodeProblem] = useState<string | null>(null);

  useEffect(() => {
    if (failed) return;
    getJson<Info>('/api/v1/info')
      .then((info) => setEnrolled(info.user.mfa_enrolled))
      .catch(() => undefined);
    getJson<Details>(`/api/v1/auth/cli/login?state=${encodeURIComponent(state)}`)
      .then(setDetails)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'mfa_enrollment_required') {
          window.location.assign(
            `/app/account/security?enrollment=required&channel=cli&state=${encodeURIComponent(state)}`,
          );
          return;
        }
        if (e instanceof ApiError && e.status === 401) {
          window.location.assign(
            `/app/login?redirect=${encodeURIComponent(window.location.pathname + window.location.search)}`,
          );
          return;
        }
        setError(e instanceof Error ? e.message : 'This CLI login cannot be shown.');
      });
  }, [state, failed]);

  const decide = (action: 'approve' | 'deny') => {
    setBusy(true);
    const inline = action === 'approve' && enrolled ? { 'x-mfa-totp': code.trim() } : undefined;
    postJson<{ redirect: string }>(`/api/v1/auth/cli/${action}`, { state }, inline)
      .then((r) => window.location.assign(r.redirect))
      .catch((e: unknown) => {
        setBusy(false);
        if (e instanceof ApiError && e.status !== 403 && e.code.startsWith('mfa_')) {
          setCode('');
          setCodeProblem(codeError(e));
          return;
        }
        setError(e instanceof Error ? e.message : 'The request failed.');
      });
  };

  return (
    <main className="card">
      <h1 className="card__title">Approve CLI Login</h1>
      {error && <p className="card__error">{error}</p>}
      {details && (
        <>
          <p className="card__text">Check that this code matches the one in your terminal:</p>
          <p className="code" data-testid="confirmation-code">
            {details.confirmation_code}
          </p>
          <dl className="details">
            <dt>Device</dt>
            <dd>{details.device_name}</dd>
            <dt>System</dt>
            <dd>{details.device_os}</dd>
            <dt>CLI version</dt>
            <dd>{details.client_version}</dd>
            <dt>From IP</dt>
            <dd>{details.ip}</dd>
            <dt>Started</dt>
            <dd>{new Date(details.started_at).toLocaleString()}</dd>
          </dl>
          {enrolled && (
            <CodeField
              id="approve-code"
              label="Authentication code or backup code (required to approve)"
              value={code}
              onChange={setCode}
              error={codeProblem}
            />
          )}
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              disabled={busy || (enrolled && !code.trim())}
              onClick={() => decide('approve')}
            >
              Approve
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => decide('deny')}>
              Deny
            </button>
          </div>
        </>
      )}
    </main>
  );
}
