// The files a check looks at: tracked and untracked-but-not-ignored files of the repository.
import { execFileSync } from 'node:child_process';

export const CODE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
export const TEST_FILE = /(^|\/)(test|e2e)\/|\.test\.tsx?$/;

export function repoFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    { encoding: 'utf8' },
  );
  return out.split('\0').filter((f) => f.length > 0);
}

export function codeFiles(files: readonly string[] = repoFiles()): string[] {
  return files.filter(
    (f) => CODE_EXTENSIONS.test(f) && !f.includes('node_modules/') && !f.includes('/dist/'),
  );
}
