// Code files may have at most 500 lines, test files at most 1000: split by responsibility first.
import { existsSync, readFileSync } from 'node:fs';
import { codeFiles, TEST_FILE } from '../lib/files.ts';

export const CODE_MAX = 500;
export const TEST_MAX = 1000;

export function checkFileLength(files: readonly string[] = codeFiles()): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    const max = TEST_FILE.test(file) ? TEST_MAX : CODE_MAX;
    if (lines > max)
      problems.push(`${file}: ${lines} lines (limit ${max}); split it by responsibility`);
  }
  return problems;
}

if (process.argv[1]?.endsWith('file-length.ts')) {
  const problems = checkFileLength();
  for (const p of problems) console.error(p);
  process.exit(problems.length > 0 ? 1 : 0);
}
