// "Enable Multi-Factor Authentication" with an authenticator app (web-ui.md §7.10): the otpauth URI
// as a QR image (an <img> data URL: nothing inline for the CSP), the secret in 4-character groups
// for manual entry, a label and the first code. The first method's backup codes come back once.
import qrcode from 'qrcode-generator';
import { type FormEvent, useState } from 'react';
import { codeError, postJson } from '../api.ts';
import { CodeField } from './CodeField.tsx';

interface Started {
  method_id: string;
  secret: string;
  otpauth_uri: string;
}

export interface Confirmed {
  backup_codes: string[] | null;
}

function qrDataUrl(uri: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(uri);
  qr.make();
  return qr.createDataURL(5, 4);
}

const grouped = (secret: string): string => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

export function TotpEnrolment(props: { onConfirmed: (result: Confirmed) => void }) {
  const [started, setStarted] = useState<Started | null>(null);
  const [label, setLabel] = useState('Authenticator app');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = () => {
    setBusy(true);
    postJson<Started>('/api/v1/auth/mfa/enroll/totp/start', {})
      .then(setStarted)
      .catch((e: unknown) => setError(codeError(e)))
      .finally(() => setBusy(false));
  };

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (started === null) return;
    setBusy(true);
    postJson<Confirmed>('/api/v1/auth/mfa/enroll/totp/confirm', {
      method_id: started.method_id,
      code: code.trim(),
      label: label.trim() || 'Authenticator app',
    })
      .then(props.onConfirmed)
      .catch((e: unknown) => {
        setBusy(false);
        setCode('');
        setError(codeError(e));
      });
  };

  if (started === null)
    return (
      <div>
        {error && <p className="card__error">{error}</p>}
        <button type="button" className="button button--primary" disabled={busy} onClick={start}>
          Enable MFA
        </button>
      </div>
    );
  return (
    <form onSubmit={confirm}>
      <p className="card__text">Scan this QR code with your authenticator app:</p>
      <img
        className="qr"
        src={qrDataUrl(started.otpauth_uri)}
        alt="QR code for your authenticator app"
      />
      <p className="card__text">Or enter this secret manually:</p>
      <p className="secret" data-testid="totp-secret">
        {grouped(started.secret)}
      </p>
      <div className="field">
        <label className="field__label" htmlFor="mfa-label">
          Label
        </label>
        <input
          id="mfa-label"
          className="field__input"
          maxLength={100}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
      </div>
      <CodeField
        id="mfa-code"
        label="Code from the app"
        value={code}
        onChange={setCode}
        error={error}
      />
      <button type="submit" className="button button--primary" disabled={busy || !code}>
        Confirm
      </button>
    </form>
  );
}
