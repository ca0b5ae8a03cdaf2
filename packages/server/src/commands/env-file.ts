// In development and demo mode a `.env` file in the working directory supplies defaults; variables
// already set in the environment win. Production never reads it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export function withDotEnv(
  env: NodeJS.ProcessEnv,
  cwd: string,
): Record<string, string | undefined> {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return { ...env };
  const fromFile = parseEnv(readFileSync(path, 'utf8'));
  return { ...fromFile, ...env };
}
