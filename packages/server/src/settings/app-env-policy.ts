// The env rules' per-app inputs (access-control.md §11; approvals-and-integrations.md §8.4): the
// app settings `secret_env_vars` and `protected_env_vars`, resolved app row → env
// `RGW_APP_<APP>_SETTING_<KEY>` → empty, plus the global CONVOX_SECRET_ENV_VARS. Cached ≤ 5 s.
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { EnvPolicy } from '../proxy/env-rules.js';

const CACHE_MS = 5000;
const KEYS = ['secret_env_vars', 'protected_env_vars'] as const;
type Key = (typeof KEYS)[number];

export const appSettingEnvVar = (app: string, key: string): string =>
  `RGW_APP_${app.toUpperCase().replace(/[-.]/g, '_')}_SETTING_${key.toUpperCase()}`;

/** A JSON array or a comma list of env names; trimmed, upper-cased, de-duplicated. */
export function parseNameList(raw: unknown): string[] {
  let items: unknown[] = [];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') {
    const text = raw.trim();
    items = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(',');
  }
  return [
    ...new Set(
      items
        .filter((v): v is string => typeof v === 'string')
        .map((v) => v.trim().toUpperCase())
        .filter((v) => /^[A-Z_][A-Z0-9_]*$/.test(v)),
    ),
  ];
}

export interface AppEnvPolicyOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Global CONVOX_SECRET_ENV_VARS (upper-cased). */
  readonly globalSecretNames: readonly string[];
}

export function createAppEnvPolicy(options: AppEnvPolicyOptions) {
  const cache = new Map<string, { at: number; policy: EnvPolicy }>();

  async function load(app: string): Promise<EnvPolicy> {
    const rows = await options.db.query<{ key: Key; value: unknown }>(
      'SELECT key, value FROM settings WHERE app_name = $1 AND key = ANY($2)',
      [app, [...KEYS]],
    );
    const value = (key: Key): string[] => {
      const row = rows.find((r) => r.key === key);
      if (row) return parseNameList(row.value);
      return parseNameList(options.env[appSettingEnvVar(app, key)] ?? '');
    };
    return {
      secretNames: new Set([...options.globalSecretNames, ...value('secret_env_vars')]),
      protectedNames: new Set(value('protected_env_vars')),
    };
  }

  return {
    async forApp(app: string): Promise<EnvPolicy> {
      const now = options.clock.now().getTime();
      const hit = cache.get(app);
      if (hit && now - hit.at < CACHE_MS) return hit.policy;
      const policy = await load(app);
      cache.set(app, { at: now, policy });
      return policy;
    },
  };
}

export type AppEnvPolicy = ReturnType<typeof createAppEnvPolicy>;
