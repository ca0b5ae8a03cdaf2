// One field for an authenticator code or a backup code (identity.md §14.2: the same field takes
// both); the label is visible and the error is announced through aria-describedby.
export function CodeField(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  label?: string;
}) {
  const errorId = `${props.id}-error`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={props.id}>
        {props.label ?? 'Authentication code or backup code'}
      </label>
      <input
        id={props.id}
        className="field__input field__input--code"
        inputMode="text"
        autoComplete="one-time-code"
        spellCheck={false}
        maxLength={20}
        value={props.value}
        aria-invalid={props.error !== null}
        aria-describedby={props.error ? errorId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <p id={errorId} className="field__error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
