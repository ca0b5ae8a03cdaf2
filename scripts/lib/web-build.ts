// Builds the web client when its dist is missing or older than any source file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WEB = join(import.meta.dirname, '..', '..', 'packages', 'web');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce(
    (max, name) => Math.max(max, newestMtime(join(path, name))),
    st.mtimeMs,
  );
}

export function webBuildIsCurrent(): boolean {
  const index = join(WEB, 'dist', 'index.html');
  if (!existsSync(index)) return false;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']
    .map((p) => join(WEB, p))
    .filter(existsSync);
  return statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime));
}

export function ensureWebBuild(): void {
  if (webBuildIsCurrent()) return;
  console.log('building the web client (packages/web)…');
  const result = spawnSync('npm', ['run', 'build', '-w', 'packages/web'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('web build failed');
}
