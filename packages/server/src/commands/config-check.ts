// `rack-gateway-server config check`: the same validation as serve, then the resolved variables
// with secrets shown only as [set]/[unset], and the two redirect URIs derived from PUBLIC_URL that
// must be registered at the identity provider (the gateway cannot ask the provider which it knows).
import { parseEnv } from '../config/parse-env.js';
import { VARIABLES, type VariableName } from '../config/variables.js';
import { callbackUrl } from '../identity/login/callback-urls.js';
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
  out('\n[Redirect URIs to register at the identity provider for OIDC_CLIENT_ID]');
  out(`web: ${callbackUrl(config.server.publicUrl, 'web')}`);
  out(`cli: ${callbackUrl(config.server.publicUrl, 'cli')}`);
  out(
    'Both are needed: without the cli one, rack-gateway login stops at the provider (docs/identity-providers.md).',
  );
  return EXIT.ok;
}
