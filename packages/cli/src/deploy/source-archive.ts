// Packages a deploy directory into a temporary .tgz (cli.md §6.1 step 3). The manifest must be part
// of the archive: missing or excluded by .dockerignore fails before anything is uploaded.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { collectSource, readDockerignore } from './source-files.js';
import { writeTarGz } from './tar-writer.js';

export interface SourceArchive {
  readonly file: string;
  readonly size: number;
  readonly files: number;
  remove(): Promise<void>;
}

/** Packages `dir`; `onCount` learns the number of files before the archive is written. */
export async function packageSource(
  dir: string,
  manifest: string,
  onCount: (files: number) => void,
): Promise<SourceArchive> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`${dir} is not a directory`, EXIT.failed);
  const rules = await readDockerignore(dir);
  const entries = await collectSource(dir, rules);
  const manifestPath = manifest.replace(/^\.\//, '');
  if (!entries.some((e) => e.path === manifestPath && e.type !== 'Directory')) {
    const excluded = rules.ignores(manifestPath);
    throw new CliError(
      excluded
        ? `The manifest ${manifestPath} is excluded by .dockerignore`
        : `No ${manifestPath} in ${dir}`,
      EXIT.failed,
      {
        hint: excluded
          ? 'Remove it from .dockerignore.'
          : 'Deploy a directory with a convox.yml, or pass --manifest.',
      },
    );
  }
  const files = entries.filter((e) => e.type !== 'Directory').length;
  onCount(files);
  const temp = await mkdtemp(join(tmpdir(), 'rack-gateway-deploy-'));
  const file = join(temp, 'source.tgz');
  const remove = () => rm(temp, { recursive: true, force: true });
  try {
    await writeTarGz(entries, file);
  } catch (err) {
    await remove();
    throw err;
  }
  return { file, size: (await stat(file)).size, files, remove };
}
