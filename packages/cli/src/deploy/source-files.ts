// The files of a deploy (cli.md §6.1 step 3): `.dockerignore` with Docker semantics (comments, `!`
// exceptions, `*`, `?`, `**`, leading `/` ignored, last matching rule wins), entries relative to
// the directory without `./`, sorted by path, directories included, symlinks kept as links (never
// followed) and other special files skipped.
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { compareUtf8 } from '@rack-gateway/convox';

export interface SourceEntry {
  /** Path relative to the directory, `/`-separated. */
  readonly path: string;
  readonly type: 'File' | 'Directory' | 'SymbolicLink';
  readonly mode: number;
  readonly mtime: Date;
  readonly size: number;
  readonly linkpath?: string;
  /** Absolute path on disk. */
  readonly source: string;
}

export interface SourceRules {
  ignores(path: string): boolean;
  /** Whether any `!` exception exists (excluded directories must then still be walked). */
  readonly hasExceptions: boolean;
}

export async function readDockerignore(dir: string): Promise<SourceRules> {
  let text = '';
  try {
    text = await readFile(join(dir, '.dockerignore'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const lines = text.split(/\r?\n/);
  // The package is CommonJS; its factory is also exported as `default` for ESM importers.
  const matcher = dockerignore.default().add(lines);
  return {
    ignores: (path) => matcher.ignores(path),
    hasExceptions: lines.some((line) => line.trim().startsWith('!')),
  };
}

async function entryOf(source: string, path: string): Promise<SourceEntry | 'dir' | undefined> {
  const stat = await lstat(source);
  const base = { path, mode: stat.mode & 0o7777, mtime: stat.mtime, source };
  if (stat.isSymbolicLink())
    return { ...base, type: 'SymbolicLink', size: 0, linkpath: await readlink(source) };
  if (stat.isFile()) return { ...base, type: 'File', size: stat.size };
  return stat.isDirectory() ? 'dir' : undefined;
}

async function directory(source: string, path: string, rules: SourceRules, into: SourceEntry[]) {
  const ignored = rules.ignores(path);
  if (ignored && !rules.hasExceptions) return;
  const children: SourceEntry[] = [];
  await walk(source, path, rules, children);
  if (ignored && children.length === 0) return;
  const stat = await lstat(source);
  into.push({
    path,
    type: 'Directory',
    mode: stat.mode & 0o7777,
    mtime: stat.mtime,
    size: 0,
    source,
  });
  into.push(...children);
}

async function walk(dir: string, prefix: string, rules: SourceRules, into: SourceEntry[]) {
  for (const name of await readdir(dir)) {
    const path = prefix ? `${prefix}/${name}` : name;
    const source = join(dir, name);
    const entry = await entryOf(source, path);
    if (entry === 'dir') await directory(source, path, rules, into);
    else if (entry !== undefined && !rules.ignores(path)) into.push(entry);
  }
}

/** Every entry of `dir` that the build context includes, sorted by path. */
export async function collectSource(dir: string, rules: SourceRules): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  await walk(dir, '', rules, entries);
  return entries.sort((a, b) => compareUtf8(a.path, b.path));
}
