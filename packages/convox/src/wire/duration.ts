// Go duration syntax (convox-rack-api.md §2.3). Options such as logs `Since` travel as Go's
// canonical `time.Duration.String()` form; racks parse them with `time.ParseDuration`. Durations
// are expressed in milliseconds on our side (fractions allowed down to nanoseconds).

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's fmtFrac: `v` with `prec` fractional digits, trailing zeros (and a bare dot) removed. */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let rest = v;
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = rest % 10n;
    printed ||= digit !== 0n;
    if (printed) digits = `${digit}${digits}`;
    rest /= 10n;
  }
  return [printed ? `.${digits}` : '', rest];
}

function formatNanos(nanos: bigint): string {
  if (nanos < 1_000_000_000n) {
    if (nanos < 1_000n) return `${nanos}ns`;
    const [unit, prec] = nanos < 1_000_000n ? ['µs', 3] : ['ms', 6];
    const [frac, whole] = fraction(nanos, prec);
    return `${whole}${frac}${unit}`;
  }
  const [frac, totalSeconds] = fraction(nanos, 9);
  const seconds = totalSeconds % 60n;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes === 0n) return `${seconds}${frac}s`;
  const minutes = totalMinutes % 60n;
  const hours = totalMinutes / 60n;
  const tail = `${minutes}m${seconds}${frac}s`;
  return hours === 0n ? tail : `${hours}h${tail}`;
}

/** Go's `time.Duration.String()` for a duration in milliseconds (`2m0s`, `500ms`, `1h0m0s`). */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid duration: ${ms}`);
  const nanos = BigInt(Math.round(ms * 1e6));
  if (nanos === 0n) return '0s';
  return nanos < 0n ? `-${formatNanos(-nanos)}` : formatNanos(nanos);
}

const TERM = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

function splitSign(text: string): [number, string] {
  if (text.startsWith('-')) return [-1, text.slice(1)];
  if (text.startsWith('+')) return [1, text.slice(1)];
  return [1, text];
}

/** Go's `time.ParseDuration`, returning milliseconds. Throws on invalid syntax. */
export function parseGoDuration(text: string): number {
  const invalid = () => new SyntaxError(`time: invalid duration ${JSON.stringify(text)}`);
  let [sign, rest] = splitSign(text);
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let nanos = 0;
  while (rest !== '') {
    const m = TERM.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw invalid();
    const unit = UNIT_NANOS[m[3] ?? ''] ?? 0;
    nanos += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit;
    rest = rest.slice(m[0].length);
  }
  return (sign * Math.round(nanos)) / 1e6;
}
