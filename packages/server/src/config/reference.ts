// Renders docs/configuration.md from the variable catalogue, so the reference cannot drift.
import { VARIABLES, type VariableName } from './variables.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** Prose under a group's heading: where the step-by-step guide for that part lives. */
const GROUP_NOTES: Readonly<Record<string, string>> = {
  'Identity provider (OIDC)':
    'Setting up a provider (Google Workspace, Dex, Okta, Entra ID, Keycloak), the two callback URLs to\nregister, TLS and private CAs: [identity-providers.md](identity-providers.md).',
};

export function renderConfigurationReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `packages/server/src/config/variables-*.ts` by `npm run generate:config-docs`; do',
    'not edit by hand. Values are trimmed and an empty value counts as unset. Run',
    '`rack-gateway-server config check` to validate an environment.',
  ];
  let group = '';
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const spec = VARIABLES[name];
    if (spec.group !== group) {
      group = spec.group;
      lines.push('', `## ${group}`, '');
      const note = GROUP_NOTES[group];
      if (note !== undefined) lines.push(note, '');
      lines.push('| Variable | Default | Meaning |', '|---|---|---|');
    }
    const secret = spec.kind === 'secret' ? ' (secret)' : '';
    lines.push(`| \`${name}\` | ${cell(spec.defaultText)} | ${cell(spec.doc)}${secret} |`);
  }
  return `${lines.join('\n')}\n`;
}
