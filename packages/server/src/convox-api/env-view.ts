// What the env routes answer (access-control.md §9.2, §11): the newest release's env as an object
// sorted by key, masked for the caller, with the keys the UI must treat specially.
import { grants, type PermissionPattern } from '../access/permissions.js';
import {
  type Env,
  type EnvPolicy,
  isProtectedKey,
  isSecretEntry,
  maskEnv,
} from '../proxy/env-rules.js';

export interface EnvView {
  readonly app: string;
  /** The release the env was read from (or created by the change); null when there is none. */
  readonly release: string | null;
  readonly env: Record<string, string>;
  /** Keys secret by name or value (masked, or their URL password masked, unless revealed). */
  readonly secret_keys: string[];
  /** Keys of the app setting `protected_env_vars` (read-only through the gateway). */
  readonly protected_keys: string[];
}

export function sortedObject(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...env.keys()].sort()) out[key] = env.get(key) ?? '';
  return out;
}

export function envView(
  app: string,
  release: string | null,
  env: Env,
  policy: EnvPolicy,
  shown: { held: readonly PermissionPattern[] } | 'plaintext',
): EnvView {
  const values =
    shown === 'plaintext' ? env : maskEnv(env, policy, grants(shown.held, 'convox:env:read'));
  const keys = [...env.keys()].sort();
  return {
    app,
    release,
    env: sortedObject(values),
    secret_keys: keys.filter((k) => isSecretEntry(k, policy, env.get(k))),
    protected_keys: keys.filter((k) => isProtectedKey(k, policy)),
  };
}

/** The keys masked for everyone in `view` (secret or protected), for `env.read` `masked_keys`. */
export function maskedKeys(view: EnvView): string[] {
  return [...new Set([...view.secret_keys, ...view.protected_keys])].sort();
}
