// The one place that decides what looks like a secret (audit.md §10, access-control.md §11): by
// name (env variables, audit detail keys, query parameters) and by value (known credential formats
// and URL userinfo passwords). Redaction, env masking and the env write rules all ask here, so a
// format added once is caught everywhere.

/** Known credential formats. Global regexes: callers use them with `replace`. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\brgw_[A-Za-z0-9_-]{16,}={0,2}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[a-z]-[A-Za-z0-9-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{8,}/g,
  /\bwhsec_[A-Za-z0-9]{16,}/g,
  /\bAIza[A-Za-z0-9_-]{35}\b/g,
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
];

/** `scheme://user:password@`: group 1 is everything up to the `:` before the password. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*):([^\s@/?#]+)@/gi;

/** Replaces every known credential in `text` by `replacement`. */
export function replaceCredentials(text: string, replacement: string): string {
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** True when `text` contains a known credential format (URL passwords not included). */
export function containsCredential(text: string): boolean {
  return replaceCredentials(text, '\0') !== text;
}

/** Replaces the password of every `scheme://user:password@` in `text`, keeping the user. */
export function replaceUrlPasswords(text: string, replacement: string): string {
  return text.replace(URL_USERINFO, (_m, prefix: string) => `${prefix}:${replacement}@`);
}

/** The passwords of every `scheme://user:password@` in `text`. */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_USERINFO)].map((m) => m[2] ?? '');
}

export function hasUrlPassword(text: string): boolean {
  return urlPasswords(text).length > 0;
}

/** A value that is, or embeds, a credential: a known format or a URL password. */
export function isSecretValue(text: string): boolean {
  return containsCredential(text) || hasUrlPassword(text);
}

// Names. Fragments match anywhere (`CLIENTSECRET`, `x_api_key`); words match a whole part of the
// name split at separators and camelCase humps, so `DB_PASS` is secret but `BYPASS_CACHE` is not.
const FRAGMENTS = /password|passwd|passphrase|secret|token|credential|api[-_]?key|signature/i;
const WORDS: ReadonlySet<string> = new Set(['pass', 'pwd', 'pw', 'creds']);

/** Env names: also `PRIVATE` anywhere. */
const ENV_FRAGMENTS = /private/i;

/** Audit detail keys (audit.md §10 rule 2): `key` itself names an env variable there, not a secret. */
const DETAIL_FRAGMENTS = /private[-_]?key|authorization|cookie|session|jwt|bearer/i;

/** Query parameters: short forms common in URLs (`key`, `sig`, `auth`, `code`, `X-Amz-…`). */
const QUERY_WORDS: ReadonlySet<string> = new Set(['key', 'keys', 'sig', 'auth', 'code', 'otp']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
}

function matches(name: string, fragments: RegExp, extraWords: ReadonlySet<string>): boolean {
  if (FRAGMENTS.test(name) || fragments.test(name)) return true;
  return words(name).some((w) => WORDS.has(w) || extraWords.has(w));
}

const NO_WORDS: ReadonlySet<string> = new Set();

/** A name ending in `_KEY`, `_KEYS` or `_KEY_ID` (`KEY_NAME` names a key, it is not one). */
function endsWithKey(name: string): boolean {
  const w = words(name);
  const last = w.length - (w.at(-1) === 'id' ? 2 : 1);
  return last > 0 && (w[last] === 'key' || (w[last] === 'keys' && last === w.length - 1));
}

export function isSecretEnvName(name: string): boolean {
  return matches(name, ENV_FRAGMENTS, NO_WORDS) || endsWithKey(name);
}

export function isSecretDetailKey(key: string): boolean {
  return matches(key, DETAIL_FRAGMENTS, NO_WORDS);
}

export function isSecretQueryKey(key: string): boolean {
  return matches(key, DETAIL_FRAGMENTS, QUERY_WORDS);
}
