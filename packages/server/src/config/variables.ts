// The catalogue of every environment variable the server reads (config.md §3). These tables are the
// single place a variable's default and meaning are written down; `config check` and
// docs/configuration.md are produced from them.
import type { VarSpec } from './var-spec.js';
import { CORE_VARIABLES } from './variables-core.js';
import { SERVICE_VARIABLES } from './variables-services.js';

export const VARIABLES = { ...CORE_VARIABLES, ...SERVICE_VARIABLES } as const;

export type VariableName = keyof typeof VARIABLES;
type ParsedValue<S> =
  S extends VarSpec<infer T, infer D> ? (undefined extends D ? T | undefined : T) : never;
export type ParsedEnv = { readonly [K in VariableName]: ParsedValue<(typeof VARIABLES)[K]> };

/** Prefixes whose unknown members are reported as probable typos. */
export const WATCHED_PREFIXES = ['RGW_', 'AUDIT_', 'OIDC_', 'RACK_'] as const;
