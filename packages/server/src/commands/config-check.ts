// `rack-gateway-server config check`: the same validation as serve, then the resolved variables
// with secrets shown only as [set]/[unset].
import { parseEnv } from '../config/parse-env.js';
import { VARIABLES, type VariableName } from '../config/variables.js';
import { loadOrExit } from './load.js';
import { EXIT, out } from './output.js';

function show(name: VariableName, value: unknown): string {
  if (VARIABLES[name].kind === 'secret') return value === undefined ? '[unset]' : '[set]';
  if (value === undefined) return `(default: ${VARIABLES[name].defaultText})`;
  if (value instanceof URL) {
    const u = new URL(value.href);
    if (u.password) u.password = '[set]';
    return u.href;
  }
  return Array.isArray(value) ? value.join(',') : String(value);
}

export function configCheck(options: { demo?: boolean }): number {
  const { config, warnings, rawEnv } = loadOrExit({ ...options, persistSecrets: false });
  const { env } = parseEnv(rawEnv);
  out(`Configuration is valid (mode: ${config.mode}).`);
  for (const w of warnings) out(`warning: ${w}`);
  let group = '';
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const spec = VARIABLES[name];
    if (spec.group !== group) {
      group = spec.group;
      out(`\n[${group}]`);
    }
    out(`${name}=${show(name, env[name])}`);
  }
  return EXIT.ok;
}
