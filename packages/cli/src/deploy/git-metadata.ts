// Deploy metadata from git (cli.md §6.1 step 1): `git-sha` is HEAD; the description is
// `build <10-char sha> <subject>` when the work tree has no unstaged changes. Without git (or
// outside a repository) both are omitted.
import { execFile } from 'node:child_process';

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: dir, timeout: 10_000 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });
}

export interface GitMetadata {
  readonly sha?: string;
  readonly description?: string;
}

export async function gitMetadata(dir: string): Promise<GitMetadata> {
  const sha = await git(dir, ['rev-parse', 'HEAD']);
  if (!sha) return {};
  const clean = (await git(dir, ['diff', '--quiet'])) !== undefined;
  if (!clean) return { sha };
  const subject = (await git(dir, ['log', '-1', '--format=%s'])) ?? '';
  return { sha, description: `build ${sha.slice(0, 10)} ${subject}`.trim() };
}
