// Placeholder landing page after sign-in (the full UI is a later issue): who is signed in, and
// sign-out.
import { useEffect, useState } from 'react';
import { ApiError, getJson, type Info, mfaGate, signOut } from '../api.ts';

export function RackPage() {
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getJson<Info>('/api/v1/info')
      .then((i) => {
        const gate = mfaGate(i, window.location.pathname);
        if (gate) window.location.assign(gate);
        else setInfo(i);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          window.location.assign(
            `/app/login?redirect=${encodeURIComponent(window.location.pathname)}`,
          );
          return;
        }
        setError(e instanceof Error ? e.message : 'Cannot load your account.');
      });
  }, []);

  return (
    <main className="card">
      <h1 className="card__title">Rack</h1>
      {error && <p className="card__error">{error}</p>}
      {info && (
        <>
          <p className="card__text" data-testid="signed-in-as">
            Signed in as {info.user.email}
          </p>
          <p className="card__text">Roles: {info.user.roles.join(', ')}</p>
          <button type="button" className="button" onClick={signOut}>
            Sign out
          </button>
        </>
      )}
    </main>
  );
}
