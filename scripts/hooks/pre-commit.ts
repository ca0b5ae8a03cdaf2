// pre-commit: format and lint the staged files, then the size, suppression and console checks on
// them. Files with unstaged changes too are only checked (re-staging them would commit work the
// author did not stage). Installed by `npm install` (simple-git-hooks); never bypass it.
import { execFileSync, spawnSync } from 'node:child_process';
import { checkFileLength } from '../checks/file-length.ts';
import { checkNoConsole } from '../checks/no-console.ts';
import { checkSuppressions } from '../checks/suppressions.ts';
import { codeFiles } from '../lib/files.ts';

const git = (...args: string[]): string[] =>
  execFileSync('git', args, { encoding: 'utf8' }).split('\0').filter(Boolean);

const staged = git('diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z');
if (staged.length === 0) process.exit(0);
const partial = new Set(git('diff', '--name-only', '-z'));
const whole = staged.filter((f) => !partial.has(f));

const biomeArgs = ['biome', 'check', '--no-errors-on-unmatched', '--files-ignore-unknown=true'];
if (whole.length > 0) {
  spawnSync('npx', [...biomeArgs, '--write', ...whole], { stdio: 'ignore' });
  execFileSync('git', ['add', '--', ...whole]);
}
const biome = spawnSync('npx', [...biomeArgs, '--staged'], { stdio: 'inherit' });
const code = codeFiles(staged);
const problems = [...checkFileLength(code), ...checkSuppressions(code), ...checkNoConsole(code)];
for (const p of problems) console.error(p);
if (biome.status !== 0 || problems.length > 0) {
  console.error(
    '\npre-commit failed: fix the problems above (npx biome check --write <files>) and commit again.',
  );
  process.exit(1);
}
