// pre-commit: format and lint the staged files (fixes are re-staged), then the size and suppression
// checks on them. Installed by `npm install` (simple-git-hooks); never bypass it.
import { execFileSync, spawnSync } from 'node:child_process';
import { checkFileLength } from '../checks/file-length.ts';
import { checkNoConsole } from '../checks/no-console.ts';
import { checkSuppressions } from '../checks/suppressions.ts';
import { codeFiles } from '../lib/files.ts';

const staged = execFileSync(
  'git',
  ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'],
  { encoding: 'utf8' },
)
  .split('\0')
  .filter(Boolean);
if (staged.length === 0) process.exit(0);

const biome = spawnSync(
  'npx',
  ['biome', 'check', '--write', '--staged', '--no-errors-on-unmatched'],
  { stdio: 'inherit' },
);
execFileSync('git', ['add', '--', ...staged]);
const code = codeFiles(staged);
const problems = [...checkFileLength(code), ...checkSuppressions(code), ...checkNoConsole(code)];
for (const p of problems) console.error(p);
if (biome.status !== 0 || problems.length > 0) {
  console.error('\npre-commit failed: fix the problems above and commit again.');
  process.exit(1);
}
