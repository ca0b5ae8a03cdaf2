// Go's url.Values encoding (convox-rack-api.md §2.4): form bodies and query strings are written by
// the native client with `url.Values.Encode()` — keys sorted by byte order, `QueryEscape` on keys
// and values. It differs from encodeURIComponent and URLSearchParams, hence this own codec, which
// the gateway also uses to re-encode release-create forms.
import { compareUtf8 } from './go-json.js';

/** Ordered multi-valued parameters, like Go's `url.Values`. */
export type FormValues = Map<string, string[]>;

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

function codes(chars: string): Set<number> {
  return new Set([...chars].map((c) => c.charCodeAt(0)));
}

/** Escapes every UTF-8 byte that is neither unreserved nor in `literal`, as `%XX`. */
function escapeBytes(value: string, literal: ReadonlySet<number>, spaceAsPlus = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (isUnreserved(byte) || literal.has(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20 && spaceAsPlus) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const NONE = new Set<number>();
// In userinfo Go escapes only `@ / ? :` among the reserved characters (url.UserPassword.String).
const USERINFO_LITERAL = codes('$&+,;=');
// In a path segment Go keeps `$ & + : = @` (url.PathEscape).
const SEGMENT_LITERAL = codes('$&+:=@');

/** Go's `url.QueryEscape`: unreserved bytes literal, space as `+`, every other byte `%XX`. */
export function goQueryEscape(value: string): string {
  return escapeBytes(value, NONE, true);
}

/** Go's userinfo escaping, used for the Basic credential the convox client sends (§1.3). */
export function goUserinfoEscape(value: string): string {
  return escapeBytes(value, USERINFO_LITERAL);
}

/** Go's `url.PathEscape`, for names placed in a path segment. */
export function goPathEscape(value: string): string {
  return escapeBytes(value, SEGMENT_LITERAL);
}

export class FormDecodeError extends Error {
  override readonly name = 'FormDecodeError';
}

/** Percent-decoding as Go's `url.QueryUnescape` (`+` = space unless `plusIsSpace` is false). */
export function goUnescape(text: string, plusIsSpace = true): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '%') {
      const pair = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(pair))
        throw new FormDecodeError(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else if (ch === '+' && plusIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Builds FormValues from a record; array values become repeated keys. */
export function formValues(record: Record<string, string | readonly string[]>): FormValues {
  const values: FormValues = new Map();
  for (const [key, value] of Object.entries(record))
    values.set(key, typeof value === 'string' ? [value] : [...value]);
  return values;
}

/** Go's `url.Values.Encode()`: `k=v&k2=v2`, keys sorted by byte order, values in order. */
export function encodeGoForm(
  values: FormValues | Record<string, string | readonly string[]>,
): string {
  const map = values instanceof Map ? values : formValues(values);
  const keys = [...map.keys()].sort(compareUtf8);
  const parts: string[] = [];
  for (const key of keys) {
    for (const value of map.get(key) ?? [])
      parts.push(`${goQueryEscape(key)}=${goQueryEscape(value)}`);
  }
  return parts.join('&');
}

/**
 * Go's `url.ParseQuery`: pairs split on `&`, a pair without `=` has an empty value, keys and values
 * unescaped. Go rejects `;` in a query and invalid escapes; both throw FormDecodeError here unless
 * `lenient` is set, in which case such pairs are skipped like Go's `Request.FormValue` does.
 */
export function decodeGoForm(text: string, lenient = false): FormValues {
  const values: FormValues = new Map();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    let decoded: [string, string];
    try {
      decoded = decodePair(pair);
    } catch (err) {
      if (lenient) continue;
      throw err;
    }
    const [key, value] = decoded;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

function decodePair(pair: string): [string, string] {
  if (pair.includes(';')) throw new FormDecodeError('invalid semicolon separator in query');
  const eq = pair.indexOf('=');
  const key = goUnescape(eq < 0 ? pair : pair.slice(0, eq));
  return [key, eq < 0 ? '' : goUnescape(pair.slice(eq + 1))];
}

/** The first value of a key, as Go's `Values.Get` (undefined when absent). */
export function firstValue(values: FormValues, key: string): string | undefined {
  return values.get(key)?.[0];
}
