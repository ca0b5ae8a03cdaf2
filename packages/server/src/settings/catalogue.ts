// The global settings code reads (approvals-and-integrations.md §8.3): key, group, type, default
// and range. Only the groups identity and access use today are listed; later issues add theirs.

interface BoolSpec {
  readonly group: SettingGroup;
  readonly type: 'bool';
  readonly default: boolean;
}

interface IntSpec {
  readonly group: SettingGroup;
  readonly type: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export type SettingSpec = BoolSpec | IntSpec;

export const SETTING_GROUPS = [
  'mfa-configuration',
  'allow-destructive-actions',
  'session-configuration',
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

const bool = (group: SettingGroup, def: boolean): BoolSpec => ({
  group,
  type: 'bool',
  default: def,
});
const int = (group: SettingGroup, def: number, min: number, max: number): IntSpec => ({
  group,
  type: 'int',
  default: def,
  min,
  max,
});

export const SETTINGS = {
  mfa_require_all_users: bool('mfa-configuration', true),
  mfa_trusted_device_ttl_days: int('mfa-configuration', 30, 0, 365),
  mfa_step_up_window_minutes: int('mfa-configuration', 10, 1, 60),
  allow_destructive_actions: bool('allow-destructive-actions', false),
  session_idle_timeout_minutes: int('session-configuration', 30, 5, 1440),
  session_absolute_lifetime_hours: int('session-configuration', 12, 1, 168),
  cli_session_idle_days: int('session-configuration', 30, 1, 90),
  cli_session_absolute_days: int('session-configuration', 90, 1, 365),
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['type'] extends 'bool'
  ? boolean
  : number;
export type SettingValues = { readonly [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** `RGW_SETTING_<KEY>`: the deployment override of a global key. */
export const envVarFor = (key: SettingKey): string => `RGW_SETTING_${key.toUpperCase()}`;

export class InvalidSettingError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidSettingError';
  }
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** Parses an environment value by the key's type; throws InvalidSettingError naming the rule. */
export function parseEnvValue(key: SettingKey, raw: string): boolean | number {
  const spec: SettingSpec = SETTINGS[key];
  const text = raw.trim().toLowerCase();
  if (spec.type === 'bool') {
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    throw new InvalidSettingError(key, `${envVarFor(key)}: must be true|false|1|0|yes|no`);
  }
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < spec.min || n > spec.max) {
    throw new InvalidSettingError(
      key,
      `${envVarFor(key)}: must be an integer between ${spec.min} and ${spec.max}`,
    );
  }
  return n;
}

/** Validates a value written to the store (JSON from the API or code). */
export function validateValue(key: SettingKey, value: unknown): boolean | number {
  const spec: SettingSpec = SETTINGS[key];
  if (spec.type === 'bool') {
    if (typeof value === 'boolean') return value;
    throw new InvalidSettingError(key, `${key} must be a boolean`);
  }
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= spec.min &&
    value <= spec.max
  )
    return value;
  throw new InvalidSettingError(
    key,
    `${key} must be an integer between ${spec.min} and ${spec.max}`,
  );
}

/** Every problem with the `RGW_SETTING_*` variables of `env` (start-up validation). */
export function settingsEnvProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  for (const key of SETTING_KEYS) {
    const raw = env[envVarFor(key)]?.trim();
    if (!raw) continue;
    try {
      parseEnvValue(key, raw);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}
