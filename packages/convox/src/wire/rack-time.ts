// Times on the rack wire (convox-rack-api.md §2.3, §3.2). Racks write RFC 3339 with up to nine
// fractional digits, which a JS Date cannot hold, so a RackTime keeps whole seconds and nanoseconds
// separately: the gateway must re-serialise release timestamps without losing precision.

const NANOS_PER_SECOND = 1_000_000_000;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function utcDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** Seconds since the epoch for a UTC calendar time, valid for years 1–9999 (Date.UTC maps 0–99). */
function epochSeconds(parts: readonly number[]): number {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = parts;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return Math.floor(date.getTime() / 1000);
}

export class RackTime {
  /** Go's zero time, which racks write as `0001-01-01T00:00:00Z` and which means "not set". */
  static readonly ZERO = new RackTime(epochSeconds([1, 1, 1, 0, 0, 0]), 0);

  private constructor(
    /** Whole seconds since 1970-01-01T00:00:00Z (negative before it). */
    readonly seconds: number,
    /** 0–999 999 999. */
    readonly nanos: number,
  ) {}

  static fromMillis(ms: number): RackTime {
    const seconds = Math.floor(ms / 1000);
    return new RackTime(seconds, Math.round((ms - seconds * 1000) * 1_000_000));
  }

  static fromDate(date: Date): RackTime {
    return RackTime.fromMillis(date.getTime());
  }

  static of(seconds: number, nanos: number): RackTime {
    if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos >= 1e9)
      throw new RangeError(`invalid rack time ${seconds}s ${nanos}ns`);
    return new RackTime(seconds, nanos);
  }

  /** Parses RFC 3339 with up to 9 fractional digits and `Z` or a numeric offset (§3.2). */
  static parse(text: string): RackTime {
    const m = RFC3339.exec(text);
    if (!m) throw new SyntaxError(`invalid RFC 3339 time: ${JSON.stringify(text)}`);
    const fields = m.slice(1, 7).map(Number);
    let seconds = epochSeconds(fields);
    if (m[9]) {
      const offset = Number(m[10]) * 3600 + Number(m[11]) * 60;
      seconds -= m[9] === '+' ? offset : -offset;
    }
    const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
    return new RackTime(seconds, nanos);
  }

  isZero(): boolean {
    return this.seconds === RackTime.ZERO.seconds && this.nanos === 0;
  }

  /** Milliseconds since the epoch (sub-millisecond precision is dropped). */
  toMillis(): number {
    return this.seconds * 1000 + Math.floor(this.nanos / 1_000_000);
  }

  toDate(): Date {
    return new Date(this.toMillis());
  }

  /** Adds a (possibly negative) number of milliseconds. */
  plusMillis(ms: number): RackTime {
    const totalNanos = this.nanos + Math.round(ms * 1_000_000);
    const carry = Math.floor(totalNanos / NANOS_PER_SECOND);
    return new RackTime(this.seconds + carry, totalNanos - carry * NANOS_PER_SECOND);
  }

  compare(other: RackTime): number {
    return this.seconds - other.seconds || this.nanos - other.nanos;
  }

  private calendar(): string[] {
    const d = utcDate(this.seconds);
    return [
      pad(d.getUTCFullYear(), 4),
      pad(d.getUTCMonth() + 1, 2),
      pad(d.getUTCDate(), 2),
      pad(d.getUTCHours(), 2),
      pad(d.getUTCMinutes(), 2),
      pad(d.getUTCSeconds(), 2),
    ];
  }

  /** RFC 3339 in UTC; fraction trimmed of trailing zeros and absent when zero (Go RFC3339Nano). */
  toJSON(): string {
    const [y, mo, d, h, mi, s] = this.calendar();
    const fraction = this.nanos === 0 ? '' : `.${pad(this.nanos, 9).replace(/0+$/, '')}`;
    return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}Z`;
  }

  /** RFC 3339 with seconds precision, as in prefixed log lines. */
  toSecondsString(): string {
    const [y, mo, d, h, mi, s] = this.calendar();
    return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  }

  toString(): string {
    return this.toJSON();
  }

  /** The option layout `YYYYMMDD.hhmmss.nnnnnnnnn` (UTC) used in forms and queries (§2.3). */
  toOptionString(): string {
    const [y, mo, d, h, mi, s] = this.calendar();
    return `${y}${mo}${d}.${h}${mi}${s}.${pad(this.nanos, 9)}`;
  }

  /** Parses the option layout `YYYYMMDD.hhmmss.nnnnnnnnn`. */
  static parseOption(text: string): RackTime {
    const m = /^(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})(\d{2})\.(\d{9})$/.exec(text);
    if (!m) throw new SyntaxError(`invalid time option: ${JSON.stringify(text)}`);
    return new RackTime(epochSeconds(m.slice(1, 7).map(Number)), Number(m[7]));
  }
}

/** Formats milliseconds since the epoch as the rack writes times (`2025-01-15T12:00:00.25Z`). */
export function formatRfc3339(ms: number): string {
  return RackTime.fromMillis(ms).toJSON();
}
