// No lint or type-check suppressions anywhere in code: fix the code instead.
import { existsSync, readFileSync } from 'node:fs';
import { codeFiles } from '../lib/files.ts';

// Built from parts so this file does not match itself.
const MARKERS = [
  ['biome', '-ignore'],
  ['@ts', '-ignore'],
  ['@ts', '-expect-error'],
  ['@ts', '-nocheck'],
  ['eslint', '-disable'],
].map((parts) => parts.join(''));

export function checkSuppressions(files: readonly string[] = codeFiles()): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const marker = MARKERS.find((m) => line.includes(m));
      if (marker)
        problems.push(`${file}:${i + 1}: "${marker}" is not allowed; fix the underlying problem`);
    });
  }
  return problems;
}

if (process.argv[1]?.endsWith('suppressions.ts')) {
  const problems = checkSuppressions();
  for (const p of problems) console.error(p);
  process.exit(problems.length > 0 ? 1 : 0);
}
