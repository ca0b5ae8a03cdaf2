// Outside production, missing root secrets are generated once and kept in <data dir>/secrets.json
// (mode 0600) so sessions, backup codes and the audit chain survive restarts. Production never
// generates or writes secrets.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GENERATED = ['APP_SECRET_KEY', 'AUDIT_HMAC_SECRET'] as const;
type GeneratedName = (typeof GENERATED)[number];
export type DevSecrets = Record<GeneratedName, string>;

export function secretsFilePath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

function readSecretsFile(path: string): Partial<DevSecrets> {
  if (!existsSync(path)) return {};
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) return {};
  const out: Partial<DevSecrets> = {};
  for (const name of GENERATED) {
    const v = (parsed as Record<string, unknown>)[name];
    if (typeof v === 'string' && v.length >= 64) out[name] = v;
  }
  return out;
}

/** Returns the values to use for secrets the environment left unset, creating them if needed. */
export function loadOrCreateDevSecrets(
  dataDir: string,
  missing: readonly GeneratedName[],
): Partial<DevSecrets> {
  if (missing.length === 0) return {};
  const path = secretsFilePath(dataDir);
  const stored = readSecretsFile(path);
  let changed = false;
  for (const name of missing) {
    if (stored[name] === undefined) {
      stored[name] = randomBytes(32).toString('hex');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  const result: Partial<DevSecrets> = {};
  for (const name of missing) result[name] = stored[name];
  return result;
}

export function missingGeneratedSecrets(
  env: Readonly<Record<string, string | undefined>>,
): GeneratedName[] {
  return GENERATED.filter((name) => (env[name]?.trim() ?? '') === '');
}
