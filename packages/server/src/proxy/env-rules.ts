// Environment variable rules (access-control.md §11): which keys are secret or protected, how
// values are masked on reads, and how a requested env is merged with the current one on writes.
// Masks mean "keep"; protected keys never change through the gateway; secret changes need
// `convox:secret:set`. An entry is secret by its name or by its value (audit/secret-detector.ts):
// a known credential format is masked whole, a URL's password alone.
import {
  containsCredential,
  isSecretEnvName,
  isSecretValue,
  replaceUrlPasswords,
  urlPasswords,
} from '../audit/secret-detector.js';
import { BadRequestError, ForbiddenError } from '../http/errors.js';

export const ENV_MASK = '*'.repeat(20);

export interface EnvPolicy {
  /** Upper-cased names always treated as secret (CONVOX_SECRET_ENV_VARS + app `secret_env_vars`). */
  readonly secretNames: ReadonlySet<string>;
  /** Upper-cased names of the app setting `protected_env_vars`. */
  readonly protectedNames: ReadonlySet<string>;
}

export type Env = ReadonlyMap<string, string>;

/** Secret by name: the policy's lists or a secret-looking name (`DB_PASSWD`, `STRIPE_KEY`). */
export function isSecretKey(key: string, policy: EnvPolicy): boolean {
  return policy.secretNames.has(key.toUpperCase()) || isSecretEnvName(key);
}

/** Secret by name or by any of the given values (a credential format or a URL password). */
export function isSecretEntry(
  key: string,
  policy: EnvPolicy,
  ...values: readonly (string | undefined)[]
): boolean {
  return isSecretKey(key, policy) || values.some((v) => v !== undefined && isSecretValue(v));
}

/** The value a reader may see: the mask for secret names and credentials, else URL passwords masked. */
export function maskValue(key: string, value: string, policy: EnvPolicy): string {
  if (isSecretKey(key, policy) || containsCredential(value)) return ENV_MASK;
  return replaceUrlPasswords(value, ENV_MASK);
}

/** A rack parameter whose value is treated as secret (the same rules as env entries). */
export function isSecretParameter(
  name: string,
  secretNames: readonly string[],
  ...values: readonly unknown[]
): boolean {
  const policy = { secretNames: new Set(secretNames), protectedNames: new Set<string>() };
  return isSecretEntry(name, policy, ...values.map((v) => (v == null ? undefined : String(v))));
}

export function isProtectedKey(key: string, policy: EnvPolicy): boolean {
  return policy.protectedNames.has(key.toUpperCase());
}

/** Parses convox env text: `KEY=VALUE` lines; the value is everything after the first `=`. */
export function parseEnvText(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq === -1) env.set(line, '');
    else env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

/** Sorted `KEY=VALUE` lines joined by `\n`, no trailing newline (the rack's Release.env format). */
export function formatEnvText(env: Env): string {
  return [...env.keys()]
    .sort()
    .map((k) => `${k}=${env.get(k)}`)
    .join('\n');
}

/** Read view: everything masked without `convox:env:read`; secret and protected keys always. */
export function maskEnv(env: Env, policy: EnvPolicy, canReadEnv: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of env) {
    const hide = !canReadEnv || isProtectedKey(k, policy);
    out.set(k, hide ? ENV_MASK : maskValue(k, v, policy));
  }
  return out;
}

export interface EnvChange {
  readonly key: string;
  readonly kind: 'set' | 'unset';
  readonly secret: boolean;
  readonly old: string | undefined;
  readonly new: string | undefined;
}

export type EnvWrite =
  /** The proxied release-create form: the requested env replaces the whole env. */
  | { readonly mode: 'full'; readonly env: Env }
  /** The web API: set some keys, remove others, keep the rest. */
  | { readonly mode: 'patch'; readonly set: Env; readonly remove: readonly string[] };

export interface MergeResult {
  readonly env: Map<string, string>;
  readonly changes: readonly EnvChange[];
}

export class EnvRuleError extends Error {
  constructor(
    readonly reason:
      | 'masked_value_without_current'
      | 'masked_value_changed'
      | 'protected_env_var'
      | 'secret_permission_required',
    readonly key: string,
    readonly error: BadRequestError | ForbiddenError,
  ) {
    super(error.message);
    this.name = 'EnvRuleError';
  }
}

const BAD_REQUEST_MESSAGES = {
  masked_value_without_current: (key: string) =>
    `${key} is masked but has no current value; send the real value.`,
  masked_value_changed: (key: string) =>
    `${key} keeps a masked password but the rest of its value changed; send the full value.`,
} as const;

function refuse(reason: EnvRuleError['reason'], key: string): never {
  if (reason === 'masked_value_without_current' || reason === 'masked_value_changed') {
    const message = BAD_REQUEST_MESSAGES[reason](key);
    throw new EnvRuleError(reason, key, new BadRequestError(reason, message));
  }
  const message =
    reason === 'protected_env_var'
      ? `${key} is a protected variable and cannot be changed through rack-gateway; an admin must first remove it from protected_env_vars.`
      : `Changing the secret variable ${key} requires convox:secret:set.`;
  throw new EnvRuleError(reason, key, new ForbiddenError(reason, message, { extra: { key } }));
}

/**
 * The value a requested one stands for. The whole mask keeps the current value; so does the current
 * value with its URL password masked, sent back unchanged. A masked password in a URL that changed
 * otherwise is refused: keeping it would hand the stored password to another host.
 */
function resolveValue(key: string, requested: string, current: Env, policy: EnvPolicy): string {
  const existing = current.get(key);
  if (requested === ENV_MASK) {
    if (existing === undefined) refuse('masked_value_without_current', key);
    return existing;
  }
  if (!urlPasswords(requested).includes(ENV_MASK)) return requested;
  if (existing !== undefined && maskValue(key, existing, policy) === requested) return existing;
  return refuse(
    existing === undefined ? 'masked_value_without_current' : 'masked_value_changed',
    key,
  );
}

function removals(write: EnvWrite, current: Env, policy: EnvPolicy): string[] {
  if (write.mode === 'patch') {
    return write.remove.filter((k) => current.has(k));
  }
  // A protected key merely missing from a full env is preserved, not removed.
  return [...current.keys()].filter((k) => !write.env.has(k) && !isProtectedKey(k, policy));
}

/**
 * Composes the env to send to the rack. Throws EnvRuleError (with the HTTP error to answer) when a
 * rule refuses the write; `canSetSecrets` is whether the caller holds `convox:secret:set`.
 */
export function mergeEnv(
  current: Env,
  write: EnvWrite,
  policy: EnvPolicy,
  canSetSecrets: boolean,
): MergeResult {
  const next = new Map(current);
  const changes: EnvChange[] = [];
  const requested = write.mode === 'full' ? write.env : write.set;
  const record = (change: EnvChange): void => {
    if (change.secret && !canSetSecrets) refuse('secret_permission_required', change.key);
    changes.push(change);
  };
  for (const [key, raw] of requested) {
    const value = resolveValue(key, raw, current, policy);
    const old = current.get(key);
    if (value === old) continue;
    if (isProtectedKey(key, policy)) refuse('protected_env_var', key);
    record({ key, kind: 'set', secret: isSecretEntry(key, policy, old, value), old, new: value });
    next.set(key, value);
  }
  for (const key of removals(write, current, policy)) {
    if (isProtectedKey(key, policy)) refuse('protected_env_var', key);
    const old = current.get(key);
    record({ key, kind: 'unset', secret: isSecretEntry(key, policy, old), old, new: undefined });
    next.delete(key);
  }
  return { env: next, changes: changes.sort((a, b) => a.key.localeCompare(b.key)) };
}
