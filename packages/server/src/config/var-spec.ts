// Typed descriptions of environment variables: each spec knows how to parse and document itself.
// Parsing never echoes a secret value back in an error message.

export type VarKind = 'string' | 'secret' | 'int' | 'bool' | 'url' | 'list' | 'enum';

export interface VarSpec<T, D extends T | undefined = T | undefined> {
  readonly kind: VarKind;
  /** Value used when the variable is unset (mode-dependent defaults are applied later instead). */
  readonly fallback: D;
  /** Documented default (what the reference prints); mode-dependent defaults are applied later. */
  readonly defaultText: string;
  readonly doc: string;
  readonly group: string;
  parse(raw: string): { ok: true; value: T } | { ok: false; rule: string };
}

interface Base<D> {
  doc: string;
  group: string;
  defaultText?: string;
  fallback?: D;
}

const shared = <T, D extends T | undefined>(o: Base<D>, kind: VarKind, none = '—') => ({
  kind,
  fallback: o.fallback as D,
  defaultText: o.defaultText ?? (o.fallback === undefined ? none : String(o.fallback) || '(empty)'),
  doc: o.doc,
  group: o.group,
});

const describe = (raw: string, secret: boolean): string => (secret ? '' : ` (got "${raw}")`);

export function str<const D extends string | undefined = undefined>(
  o: Base<D> & { pattern?: RegExp; rule?: string; maxLength?: number },
): VarSpec<string, D> {
  return {
    ...shared<string, D>(o, 'string'),
    parse(raw: string) {
      if (o.maxLength !== undefined && raw.length > o.maxLength) {
        return { ok: false, rule: `must be at most ${o.maxLength} characters` };
      }
      if (o.pattern && !o.pattern.test(raw)) {
        return {
          ok: false,
          rule: `${o.rule ?? `must match ${o.pattern.source}`}${describe(raw, false)}`,
        };
      }
      return { ok: true, value: raw };
    },
  };
}

export function secret(o: Base<undefined> & { minBytes?: number }): VarSpec<string, undefined> {
  return {
    ...shared<string, undefined>(o, 'secret'),
    parse(raw: string) {
      if (o.minBytes !== undefined && secretStrength(raw) < o.minBytes) {
        return {
          ok: false,
          rule: `must hold at least ${o.minBytes} bytes (64 hex characters, base64 of ${o.minBytes} bytes, or ${o.minBytes} characters)`,
        };
      }
      return { ok: true, value: raw };
    },
  };
}

/** Bytes of key material: hex and base64 are decoded, anything else counts its characters. */
export function secretStrength(raw: string): number {
  if (/^[0-9a-fA-F]+$/.test(raw) && raw.length % 2 === 0) return raw.length / 2;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) && raw.length % 4 === 0 && raw.length >= 44) {
    return Buffer.from(raw, 'base64').length;
  }
  return raw.length;
}

export function int<const D extends number | undefined = undefined>(
  o: Base<D> & { min: number; max: number },
): VarSpec<number, D> {
  return {
    ...shared<number, D>(o, 'int'),
    parse(raw: string) {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < o.min || n > o.max) {
        return {
          ok: false,
          rule: `must be an integer between ${o.min} and ${o.max}${describe(raw, false)}`,
        };
      }
      return { ok: true, value: n };
    },
  };
}

export function bool<const D extends boolean | undefined = undefined>(
  o: Base<D>,
): VarSpec<boolean, D> {
  return {
    ...shared<boolean, D>(o, 'bool'),
    parse(raw: string) {
      const v = raw.toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return { ok: true, value: true };
      if (['false', '0', 'no'].includes(v)) return { ok: true, value: false };
      return { ok: false, rule: `must be true or false${describe(raw, false)}` };
    },
  };
}

export function url<const D extends URL | undefined = undefined>(
  o: Base<D> & { protocols: readonly string[]; secretUserinfo?: boolean },
): VarSpec<URL, D> {
  return {
    ...shared<URL, D>(o, 'url'),
    parse(raw: string) {
      const shown = describe(raw, o.secretUserinfo === true);
      if (!URL.canParse(raw)) return { ok: false, rule: `must be an absolute URL${shown}` };
      const u = new URL(raw);
      if (!o.protocols.includes(u.protocol.slice(0, -1))) {
        return { ok: false, rule: `must use ${o.protocols.join(' or ')}${shown}` };
      }
      return { ok: true, value: u };
    },
  };
}

export function list<const D extends string[] | undefined = undefined>(
  o: Base<D> & { item?: RegExp; rule?: string },
): VarSpec<string[], D> {
  return {
    ...shared<string[], D>(o, 'list'),
    parse(raw: string) {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const bad = o.item ? items.filter((s) => !o.item?.test(s)) : [];
      if (bad.length > 0) {
        return {
          ok: false,
          rule: `${o.rule ?? 'contains invalid entries'} (got "${bad.join(',')}")`,
        };
      }
      return { ok: true, value: items };
    },
  };
}

export function oneOf<const T extends string, const D extends T | undefined = undefined>(
  o: Base<D> & { values: readonly T[] },
): VarSpec<T, D> {
  return {
    ...shared<T, D>(o, 'enum'),
    parse(raw: string) {
      const v = raw.toLowerCase();
      const found = o.values.find((x) => x === v);
      if (found === undefined) {
        return { ok: false, rule: `must be one of ${o.values.join(', ')}${describe(raw, false)}` };
      }
      return { ok: true, value: found };
    },
  };
}
