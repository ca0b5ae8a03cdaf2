// Release env text (convox-rack-api.md §6): `KEY=VALUE` lines sorted by key, joined by `\n`, no
// trailing newline; env changes are described as `env add:K change:K remove:K`.
import { compareUtf8 } from '@rack-gateway/convox';

export function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    env.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return env;
}

export function formatEnv(env: ReadonlyMap<string, string>): string {
  return [...env.keys()]
    .sort(compareUtf8)
    .map((key) => `${key}=${env.get(key)}`)
    .join('\n');
}

/** `add:A change:B remove:C` (each group sorted), or `""` when nothing changed. */
export function describeEnvChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(compareUtf8);
  const added = keys.filter((k) => !before.has(k) && after.has(k)).map((k) => `add:${k}`);
  const changed = keys
    .filter((k) => before.has(k) && after.has(k) && before.get(k) !== after.get(k))
    .map((k) => `change:${k}`);
  const removed = keys.filter((k) => before.has(k) && !after.has(k)).map((k) => `remove:${k}`);
  return [...added, ...changed, ...removed].join(' ');
}
