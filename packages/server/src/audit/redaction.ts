// Redaction (audit.md §10), applied before anything reaches the store, stdout, the SIEM webhook or
// an export. Rule 2: values under secret-looking keys become "[REDACTED]" (catalogue identifier and
// count keys are exempt). Rule 3: credential-shaped substrings of any string are replaced.
export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /password|passwd|secret|token|api[-_]?key|client[-_]?secret|private[-_]?key|authorization|cookie|session|credential|jwt|bearer|signature/i;

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

const VALUE_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\brgw_[A-Za-z0-9_-]{16,}={0,2}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[a-z]-[A-Za-z0-9-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
];

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*):[^\s@/?#]+@/gi;

export function isSecretKeyName(key: string): boolean {
  return !EXEMPT_KEYS.has(key) && SECRET_KEY.test(key);
}

/** Rule 3 on one string: credential-shaped substrings and URL passwords are replaced. */
export function redactText(value: string): string {
  let out = value;
  for (const pattern of VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(URL_USERINFO, `$1:${REDACTED}@`);
}

/** Rules 2 and 3, recursively, on any JSON-like value. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKeyName(k) ? REDACTED : redactValue(v);
  }
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

/** A query string (without `?`) with secret-looking parameters and credential values redacted. */
export function redactQueryString(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return redactText(pair);
      const key = pair.slice(0, eq);
      if (isSecretKeyName(decode(key))) return `${key}=${REDACTED}`;
      const value = decode(pair.slice(eq + 1));
      const redacted = redactText(value);
      return redacted === value
        ? pair
        : `${key}=${encodeURIComponent(redacted).replaceAll('%5BREDACTED%5D', REDACTED)}`;
    })
    .join('&');
}
