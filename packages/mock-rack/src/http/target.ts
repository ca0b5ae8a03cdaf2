// Splitting a request target (convox-rack-api.md §1.2): a target ending in `?` means an empty query.
import { decodeGoForm, type FormValues } from '@rack-gateway/convox';

export interface Target {
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly hasQueryMark: boolean;
  /** Lenient decoding, as Go's `URL.Query()` keeps the valid pairs. */
  readonly query: FormValues;
}

export function splitTarget(url: string | undefined): Target {
  const target = url ?? '/';
  const mark = target.indexOf('?');
  const rawPath = mark < 0 ? target : target.slice(0, mark);
  const rawQuery = mark < 0 ? '' : target.slice(mark + 1);
  return { rawPath, rawQuery, hasQueryMark: mark >= 0, query: decodeGoForm(rawQuery, true) };
}

/** Request headers by lower-cased name (repeated headers joined with `, `), without Authorization. */
export function loggedHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    if (name === 'authorization') continue;
    const value = raw[i + 1] ?? '';
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}
