// Account security (web-ui.md §7.10, kept small): enrolment when MFA is not set up yet — with the
// `enrollment=required&redirect=` or `channel=cli&state=` parameters the browser continues there
// afterwards — and, once enrolled, the registered methods, backup-code count and trusted devices.
import { useCallback, useEffect, useState } from 'react';
import { getJson, safeRedirect } from '../api.ts';
import { BackupCodes } from '../components/BackupCodes.tsx';
import { type Confirmed, TotpEnrolment } from '../components/TotpEnrolment.tsx';

interface Status {
  enrolled: boolean;
  required: boolean;
  methods: { id: string; type: string; label: string; created_at: string }[];
  backup_codes: { total: number; unused: number };
  trusted_devices: { id: string; label: string; expires_at: string; current: boolean }[];
}

/** Where enrolment continues: the CLI approval page, the requested page, or nowhere. */
function continuation(params: URLSearchParams): string | null {
  const state = params.get('state');
  if (params.get('channel') === 'cli' && state)
    return `/app/cli/login?state=${encodeURIComponent(state)}`;
  if (params.get('redirect') !== null || params.get('enrollment') === 'required')
    return safeRedirect(params.get('redirect'));
  return null;
}

function Overview(props: { status: Status }) {
  const { status } = props;
  return (
    <div>
      <h2 className="card__subtitle">Registered MFA methods</h2>
      <ul className="list" data-testid="mfa-methods">
        {status.methods.map((m) => (
          <li key={m.id}>
            {m.label} ({m.type}), added {new Date(m.created_at).toLocaleDateString()}
          </li>
        ))}
      </ul>
      <p className="card__text" data-testid="backup-code-count">
        Backup codes: {status.backup_codes.unused} of {status.backup_codes.total} unused
      </p>
      <h2 className="card__subtitle">Trusted devices</h2>
      {status.trusted_devices.length === 0 ? (
        <p className="card__text">No trusted devices.</p>
      ) : (
        <ul className="list">
          {status.trusted_devices.map((d) => (
            <li key={d.id}>
              {d.label}
              {d.current ? ' (this device)' : ''}, until{' '}
              {new Date(d.expires_at).toLocaleDateString()}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SecurityPage() {
  const params = new URLSearchParams(window.location.search);
  const next = continuation(params);
  const cli = params.get('channel') === 'cli';
  const [status, setStatus] = useState<Status | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const load = useCallback(() => {
    getJson<Status>('/api/v1/auth/mfa/status')
      .then(setStatus)
      .catch(() =>
        window.location.assign(
          `/app/login?redirect=${encodeURIComponent(window.location.pathname + window.location.search)}`,
        ),
      );
  }, []);
  useEffect(load, [load]);

  const done = () => (next ? window.location.assign(next) : load());
  const confirmed = (result: Confirmed) => {
    if (result.backup_codes) setCodes(result.backup_codes);
    else done();
  };

  return (
    <main className="card">
      <h1 className="card__title">Multi-Factor Authentication</h1>
      {cli && <p className="alert alert--warning">MFA enrollment required for CLI login.</p>}
      {!cli && params.get('enrollment') === 'required' && (
        <p className="alert alert--danger">
          Set up multi-factor authentication before you continue.
        </p>
      )}
      {codes && <BackupCodes codes={codes} onDone={done} />}
      {!codes && status && !status.enrolled && <TotpEnrolment onConfirmed={confirmed} />}
      {!codes && status?.enrolled && <Overview status={status} />}
    </main>
  );
}
