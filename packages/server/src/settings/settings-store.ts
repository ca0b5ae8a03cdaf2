// Global settings as code reads them (approvals-and-integrations.md §8.1): database row → env
// `RGW_SETTING_<KEY>` → built-in default. Values are cached at most 5 s per replica and the cache
// is dropped on `NOTIFY rgw_settings`, which every write sends in its own transaction.

import type { Database, SqlRunner } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import {
  envVarFor,
  parseEnvValue,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingValue,
  type SettingValues,
  validateValue,
} from './catalogue.js';

export const SETTINGS_CHANNEL = 'rgw_settings';
const CACHE_MS = 5000;

export type SettingSource = 'db' | 'env' | 'default';

export interface ResolvedSetting {
  readonly value: boolean | number;
  readonly source: SettingSource;
}

export interface SettingsStore {
  get<K extends SettingKey>(key: K): Promise<SettingValue<K>>;
  /** Every known key with its value and where it came from. */
  resolveAll(): Promise<Readonly<Record<SettingKey, ResolvedSetting>>>;
  /** Validates and stores a global value (throws InvalidSettingError). */
  set<K extends SettingKey>(key: K, value: SettingValue<K>, byUserId: number | null): Promise<void>;
  /** Removes the stored value: the key reverts to env or default. */
  clear(key: SettingKey): Promise<void>;
  /** Subscribes to cache invalidations from other replicas. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SettingsStoreOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Environment holding `RGW_SETTING_*` overrides (validated at start by the caller). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

function envValues(env: SettingsStoreOptions['env']): Map<SettingKey, boolean | number> {
  const values = new Map<SettingKey, boolean | number>();
  for (const key of SETTING_KEYS) {
    const raw = env[envVarFor(key)]?.trim();
    if (raw) values.set(key, parseEnvValue(key, raw));
  }
  return values;
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const fromEnv = envValues(options.env);
  let cache: { rows: Map<string, unknown>; at: number } | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  const rows = async (): Promise<Map<string, unknown>> => {
    if (cache && performance.now() - cache.at < CACHE_MS) return cache.rows;
    const result = await options.db.query<{ key: string; value: unknown }>(
      'SELECT key, value FROM settings WHERE app_name IS NULL',
    );
    const map = new Map(result.map((r) => [r.key, r.value]));
    cache = { rows: map, at: performance.now() };
    return map;
  };

  const resolve = (key: SettingKey, stored: Map<string, unknown>): ResolvedSetting => {
    if (stored.has(key)) {
      try {
        return { value: validateValue(key, stored.get(key)), source: 'db' };
      } catch {
        options.logger.warn({ key }, 'stored setting is invalid; using env or default');
      }
    }
    const env = fromEnv.get(key);
    if (env !== undefined) return { value: env, source: 'env' };
    return { value: SETTINGS[key].default, source: 'default' };
  };

  const write = async (key: SettingKey, fn: (tx: SqlRunner) => Promise<unknown>) => {
    await options.db.transaction(async (tx) => {
      await fn(tx);
      await tx.query('SELECT pg_notify($1, $2)', [SETTINGS_CHANNEL, key]);
    });
    cache = null;
  };

  return {
    async get<K extends SettingKey>(key: K) {
      return resolve(key, await rows()).value as SettingValue<K>;
    },
    async resolveAll() {
      const stored = await rows();
      return Object.fromEntries(SETTING_KEYS.map((k) => [k, resolve(k, stored)])) as Record<
        SettingKey,
        ResolvedSetting
      >;
    },
    async set(key, value, byUserId) {
      const valid = validateValue(key, value);
      await write(key, (tx) =>
        tx.query(
          `INSERT INTO settings (app_name, key, value, updated_at, updated_by_user_id)
           VALUES (NULL, $1, $2::jsonb, $3, $4)
           ON CONFLICT ((coalesce(app_name, '')), key)
           DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
                         updated_by_user_id = EXCLUDED.updated_by_user_id`,
          [key, JSON.stringify(valid), options.clock.now(), byUserId],
        ),
      );
    },
    async clear(key) {
      await write(key, (tx) =>
        tx.query('DELETE FROM settings WHERE app_name IS NULL AND key = $1', [key]),
      );
    },
    async start() {
      unlisten ??= await options.db.listen(SETTINGS_CHANNEL, () => {
        cache = null;
      });
    },
    async close() {
      await unlisten?.();
      unlisten = null;
    },
  };
}

/** All values at once (one cache read), typed per key. */
export async function readSettings(store: SettingsStore): Promise<SettingValues> {
  const all = await store.resolveAll();
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, all[k].value])) as unknown as SettingValues;
}
