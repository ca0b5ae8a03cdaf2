// Backup codes shown once (web-ui.md §7.10): the list, and "I saved these codes" required to go on.
import { useState } from 'react';

export function BackupCodes(props: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <div>
      <h2 className="card__subtitle">Backup codes</h2>
      <p className="card__text">
        Each code works once if you lose your authenticator. They are shown only now.
      </p>
      <ul className="codes" data-testid="backup-codes">
        {props.codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I
        saved these codes
      </label>
      <button
        type="button"
        className="button button--primary"
        disabled={!saved}
        onClick={props.onDone}
      >
        Continue
      </button>
    </div>
  );
}
