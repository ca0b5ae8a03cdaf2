// The body of `PUT /api/v1/apps/:app/env` (access-control.md §9.2): `{set: {K: V}, remove: [K]}`.
// Keys are env names; values are single lines (the rack's env text has one `KEY=VALUE` per line);
// a key may not be both set and removed.
import { Type } from 'typebox';
import { BadRequestError } from '../http/errors.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_KEYS = 500;
const MAX_VALUE = 64 * 1024;

export const EnvPatchBody = Type.Object(
  {
    set: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: MAX_VALUE }))),
    remove: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: MAX_KEYS })),
  },
  { additionalProperties: false },
);

export interface EnvPatch {
  readonly set: ReadonlyMap<string, string>;
  readonly remove: readonly string[];
}

const invalid = (code: string, message: string) => new BadRequestError(code, message);

/** The body as the schema admitted it. */
export interface EnvPatchInput {
  readonly set?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export function parseEnvPatch(body: EnvPatchInput): EnvPatch {
  const set = new Map(Object.entries(body.set ?? {}));
  const remove = [...new Set(body.remove ?? [])];
  if (set.size > MAX_KEYS) throw invalid('invalid_env', `At most ${MAX_KEYS} keys per change.`);
  for (const key of [...set.keys(), ...remove]) {
    if (!KEY.test(key))
      throw invalid('invalid_env_key', `Invalid key "${key}": keys match [A-Za-z_][A-Za-z0-9_]*.`);
  }
  for (const [key, value] of set) {
    if (/[\r\n\0]/.test(value))
      throw invalid('invalid_env_value', `The value of ${key} must be a single line.`);
  }
  const both = remove.filter((k) => set.has(k));
  if (both.length > 0)
    throw invalid('invalid_env', `Keys both set and removed: ${both.join(', ')}.`);
  return { set, remove };
}
