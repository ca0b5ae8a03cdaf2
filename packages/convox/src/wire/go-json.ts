// Go-compatible JSON output (convox-rack-api.md §3.1): racks write responses with Go's
// encoding/json, and the gateway re-serialises release JSON, so our bytes must match Go's exactly:
// two-space indentation, `": "`, HTML-safe escapes, lower-case `\u00xx` control escapes, inline
// empty containers and one trailing newline.

/** A map whose keys Go sorts by byte order when it serialises (struct fields keep their order). */
export class GoMap {
  readonly entries: ReadonlyMap<string, GoJsonValue>;
  constructor(entries: Iterable<readonly [string, GoJsonValue]> | Record<string, GoJsonValue>) {
    const list = Symbol.iterator in entries ? [...entries] : Object.entries(entries);
    this.entries = new Map(list);
  }
}

export type GoJsonValue =
  | null
  | boolean
  | number
  | string
  | GoMap
  | readonly GoJsonValue[]
  | { readonly [key: string]: GoJsonValue };

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Control characters, the HTML-sensitive characters, JS line separators and lone surrogates.
// biome's regex rule forbids literal control characters, so the class is built from code points.
const NEEDS_ESCAPE = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}"\\\\<>&\\u2028\\u2029]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`,
  'g',
);

function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short) return short;
  const code = ch.charCodeAt(0);
  // Go replaces invalid UTF-8 with U+FFFD; a lone surrogate is the JS equivalent.
  if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A JSON string literal exactly as Go's encoding/json writes it (HTML escaping on). */
export function goJsonString(value: string): string {
  return `"${value.replace(NEEDS_ESCAPE, escapeChar)}"`;
}

/** A number as Go formats a float64 (JS already switches to exponents at the same thresholds). */
export function goJsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Byte-order comparison of UTF-8 strings (code point order, not UTF-16 unit order). */
export function compareUtf8(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

function objectEntries(value: GoJsonValue): [string, GoJsonValue][] {
  if (value instanceof GoMap)
    return [...value.entries].sort(([a], [b]) => compareUtf8(a, b)) as [string, GoJsonValue][];
  return Object.entries(value as Record<string, GoJsonValue>);
}

function write(value: GoJsonValue, indent: string | null, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return goJsonNumber(value);
    case 'string':
      return goJsonString(value);
  }
  const isArray = Array.isArray(value);
  const items: string[] = isArray
    ? (value as readonly GoJsonValue[]).map((item) => write(item, indent, depth + 1))
    : objectEntries(value).map(
        ([key, item]) =>
          `${goJsonString(key)}:${indent === null ? '' : ' '}${write(item, indent, depth + 1)}`,
      );
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (indent === null) return `${open}${items.join(',')}${close}`;
  const inner = `\n${indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${indent.repeat(depth)}${close}`;
}

/**
 * Go's `json.MarshalIndent(v, "", "  ")` plus the trailing newline racks write.
 *
 * Re-serialising rack JSON (the gateway masks release env): `formatGoJson(JSON.parse(body))`
 * reproduces the rack's bytes, since parsed objects keep the wire key order and unknown fields.
 * Times are kept as their strings. Caveat: JS moves integer-like keys ("10") to the front of plain
 * objects; wrap parsed Go maps in `GoMap` so they are re-sorted in Go's byte order.
 */
export function formatGoJson(value: GoJsonValue): string {
  return `${write(value, '  ', 0)}\n`;
}

/** Go's compact `json.Marshal` plus a newline, as used for JSON error bodies. */
export function formatGoJsonCompact(value: GoJsonValue): string {
  return `${write(value, null, 0)}\n`;
}
