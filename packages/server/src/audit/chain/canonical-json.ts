// Canonical JSON for `details` (audit.md §3): keys sorted by UTF-16 code units, no whitespace, no
// `undefined`; every string NFC-normalised without NUL characters; at most 8000 UTF-8 bytes, the
// longest strings being shortened first and `"_truncated": true` added.
export const DETAILS_MAX_BYTES = 8000;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** NFC, no NUL characters: applied to every text before hashing and storing. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/\0/g, '');
}

/** Turns any value into plain JSON data with cleaned strings (dates → ISO, bigint → number). */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return cleanText(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    case 'object':
      return objectToJson(value);
    default:
      return undefined;
  }
}

function objectToJson(value: object): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v) ?? null);
  const out: { [k: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) {
    const j = toJsonValue(v);
    if (j !== undefined) out[cleanText(k)] = j;
  }
  return out;
}

/** Serialises plain JSON data canonically. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
}

interface StringSlot {
  readonly length: number;
  set(v: string): void;
  get(): string;
}

function collectStrings(value: JsonValue, slots: StringSlot[]): void {
  if (value === null || typeof value !== 'object') return;
  const entries: [string | number, JsonValue][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [k, v] of entries) {
    if (typeof v === 'string') {
      const holder = value as Record<string | number, JsonValue>;
      slots.push({ length: v.length, get: () => holder[k] as string, set: (s) => (holder[k] = s) });
    } else collectStrings(v, slots);
  }
}

/** Canonical details text within the byte limit (truncating the longest strings first). */
export function detailsText(details: Readonly<Record<string, unknown>> | undefined): string {
  const value = (toJsonValue(details ?? {}) ?? {}) as { [k: string]: JsonValue };
  let text = canonicalJson(value);
  for (let round = 0; Buffer.byteLength(text) > DETAILS_MAX_BYTES && round < 1000; round++) {
    value._truncated = true;
    const slots: StringSlot[] = [];
    collectStrings(value, slots);
    const longest = slots.sort((a, b) => b.length - a.length)[0];
    if (longest === undefined || longest.length === 0) return canonicalJson({ _truncated: true });
    const excess = Buffer.byteLength(canonicalJson(value)) - DETAILS_MAX_BYTES;
    const s = longest.get();
    longest.set(s.slice(0, Math.max(0, s.length - excess)));
    text = canonicalJson(value);
  }
  return Buffer.byteLength(text) > DETAILS_MAX_BYTES ? canonicalJson({ _truncated: true }) : text;
}
