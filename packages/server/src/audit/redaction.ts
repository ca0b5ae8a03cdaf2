// Redaction (audit.md §10), applied before anything reaches the store, stdout, the SIEM webhook or
// an export. Rule 2: values under secret-looking keys become "[REDACTED]" (catalogue identifier and
// count keys are exempt). Rule 3: credential-shaped substrings of any string are replaced, and so
// are the values of secret-looking query parameters wherever a query string appears. What counts
// as secret-looking is decided by secret-detector.ts alone.
import {
  isSecretDetailKey,
  isSecretQueryKey,
  isSecretValue,
  replaceCredentials,
  replaceUrlPasswords,
} from './secret-detector.js';

export const REDACTED = '[REDACTED]';

/** Identifier and count keys defined by the catalogue: their values are not secrets. */
const EXEMPT_KEYS: ReadonlySet<string> = new Set([
  'session_id',
  'sessions_revoked',
  'token_id',
  'tokens_deleted',
  'target_api_token_id',
  'target_api_token_name',
  'api_token_name',
  'secret_env_vars',
]);

/** Detail keys whose string value is a bare query string (no leading `?`). */
const QUERY_KEYS: ReadonlySet<string> = new Set(['query']);

/** A query string inside free text: from `?` to whitespace, `#` or a quote. */
const QUERY_IN_TEXT = /\?([^\s#"'<>`]+)/g;

export function isSecretKeyName(key: string): boolean {
  return !EXEMPT_KEYS.has(key) && isSecretDetailKey(key);
}

/** Rule 3 on one string: query secrets, credential-shaped substrings and URL passwords. */
export function redactText(value: string): string {
  const queries = value.replace(
    QUERY_IN_TEXT,
    (_m, query: string) => `?${redactQueryString(query)}`,
  );
  return replaceUrlPasswords(replaceCredentials(queries, REDACTED), REDACTED);
}

function redactEntry(key: string, value: unknown): unknown {
  if (isSecretKeyName(key)) return REDACTED;
  if (QUERY_KEYS.has(key) && typeof value === 'string') return redactText(redactQueryString(value));
  return redactValue(value);
}

/** Rules 2 and 3, recursively, on any JSON-like value. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v);
  return out;
}

export function redactDetails(
  details: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return redactValue(details ?? {}) as Record<string, unknown>;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

const secretValue = (raw: string): boolean => isSecretValue(decode(raw));

/**
 * A query string (without `?`) with the value of every secret-looking parameter (by name or by
 * value) replaced: `token=[REDACTED]`. Everything else is kept byte for byte.
 */
export function redactQueryString(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (secretValue(key)) return REDACTED;
      if (eq < 0) return pair;
      if (isSecretQueryKey(decode(key)) || secretValue(pair.slice(eq + 1)))
        return `${key}=${REDACTED}`;
      return pair;
    })
    .join('&');
}
