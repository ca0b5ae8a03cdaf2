// Reads the raw environment once: values are trimmed, empty counts as unset, every problem is
// collected (never the first only) and unknown variables with our prefixes become warnings.
import { type ParsedEnv, VARIABLES, type VariableName, WATCHED_PREFIXES } from './variables.js';

export type RawEnv = Readonly<Record<string, string | undefined>>;

export interface EnvProblem {
  readonly variable: string;
  readonly rule: string;
}

export interface ParseResult {
  readonly env: ParsedEnv;
  readonly errors: EnvProblem[];
  readonly warnings: EnvProblem[];
}

const EXEMPT = [/^RACK_GATEWAY_/, /^RGW_SETTING_/, /^RGW_APP_.+_SETTING_/];

export function readRaw(raw: RawEnv, name: string): string | undefined {
  const v = raw[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function parseEnv(raw: RawEnv): ParseResult {
  const env: Record<string, unknown> = {};
  const errors: EnvProblem[] = [];
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const spec = VARIABLES[name];
    const value = readRaw(raw, name);
    const result = value === undefined ? null : spec.parse(value);
    if (result?.ok) {
      env[name] = result.value;
      continue;
    }
    if (result) errors.push({ variable: name, rule: result.rule });
    // An invalid value is reported, and the default keeps the rest of the validation meaningful.
    if (spec.fallback !== undefined) env[name] = spec.fallback;
  }
  return { env: env as ParsedEnv, errors, warnings: unknownVariables(raw) };
}

function unknownVariables(raw: RawEnv): EnvProblem[] {
  const known = new Set<string>(Object.keys(VARIABLES));
  return Object.keys(raw)
    .filter((name) => WATCHED_PREFIXES.some((p) => name.startsWith(p)))
    .filter((name) => !known.has(name) && !EXEMPT.some((re) => re.test(name)))
    .sort()
    .map((variable) => ({ variable, rule: 'unknown variable (is it a typo?)' }));
}
