// cli.md §6.1: deploy packages the directory with .dockerignore semantics, uploads it, streams the
// build log, promotes and waits; the uploaded archive is read back from the mock rack.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'tar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loggedIn, type Stack, startStack, stopStack, tempDir } from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

let stack: Stack;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  env = { RACK_GATEWAY_CONFIG_DIR: loggedIn(stack.gw).dir, RACK_GATEWAY_APP: 'storefront' };
});

function fixture(files: Record<string, string>): string {
  const dir = tempDir('rgw-deploy-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const APP_FILES = {
  'convox.yml': 'services:\n  web:\n    build: .\n    port: 3000\n',
  Dockerfile: 'FROM node:20\n',
  'src/index.js': 'console.log("hi")\n',
  'node_modules/dep/index.js': 'module.exports = 1\n',
  'keep.txt': 'kept\n',
  'notes.txt': 'excluded\n',
  '.dockerignore': '# build context\nnode_modules/\n*.txt\n!keep.txt\n',
};

interface TarEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly linkpath: string | undefined;
}

async function uploadedArchive(): Promise<TarEntry[]> {
  const upload = stack.rack.requests
    .list()
    .find((r) => r.method === 'POST' && r.path.includes('/objects/tmp/'));
  expect(upload?.path).toMatch(/^\/apps\/storefront\/objects\/tmp\/[0-9a-f]{30}\.tgz$/);
  const auth = Buffer.from(`convox:${stack.rack.password}`).toString('base64');
  const res = await fetch(`${stack.rack.url}${upload?.path}`, {
    headers: { Authorization: `Basic ${auth}` },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const entries: TarEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (e) => {
        entries.push({
          path: e.path,
          type: e.type,
          mode: e.mode ?? 0,
          uid: e.uid ?? -1,
          gid: e.gid ?? -1,
          linkpath: e.linkpath,
        });
        e.resume();
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(bytes);
  });
  return entries;
}

describe('deploy', () => {
  it('uploads an archive honouring .dockerignore, streams the build, promotes and waits', async () => {
    const dir = fixture(APP_FILES);
    chmodSync(join(dir, 'src/index.js'), 0o755);
    symlinkSync('index.js', join(dir, 'src/link.js'));
    const res = await runCli(['deploy', dir], { env });
    expect(res.code).toBe(0);
    const entries = await uploadedArchive();
    expect(entries.map((e) => e.path)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'convox.yml',
      'keep.txt',
      'src/',
      'src/index.js',
      'src/link.js',
    ]);
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries.find((e) => e.path === 'src/index.js')?.mode).toBe(0o755);
    expect(entries.find((e) => e.path === 'src/link.js')).toMatchObject({
      type: 'SymbolicLink',
      linkpath: 'index.js',
    });
    expect(res.stderr).toContain('Packaging source (6 files)... OK\n');
    expect(res.stderr).toContain('Uploading source... OK\n');
    expect(res.stderr).toContain('Starting build... OK\n');
    expect(res.stdout).toContain('Preparing source (5 files'); // the mock counts regular files only
    const build = /^Build: (B[A-Z]{10})$/m.exec(res.stdout)?.[1];
    const release = /^Release: (R[A-Z]{10})$/m.exec(res.stdout)?.[1];
    expect(res.stdout).toContain(`Build complete: ${build}`);
    expect(res.stderr).toContain(`Promoting ${release}... `);
    expect((await runCli(['apps', 'info', 'storefront'], { env })).stdout).toContain(
      `Release     ${release}`,
    );
  });

  it('describes the build from git and sends git-sha', async () => {
    const dir = fixture(APP_FILES);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git(
      '-c',
      'user.email=t@example.com',
      '-c',
      'user.name=T',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'Ship it',
    );
    const sha = git('rev-parse', 'HEAD');
    expect((await runCli(['deploy', dir, '--no-promote'], { env })).code).toBe(0);
    const created = stack.rack.requests
      .list()
      .find((r) => r.method === 'POST' && r.path === '/apps/storefront/builds');
    expect(created?.form).toMatchObject({
      'git-sha': [sha],
      description: [`build ${sha.slice(0, 10)} Ship it`],
    });
    expect(stack.rack.requests.list().some((r) => r.path.endsWith('/promote'))).toBe(false);
  });

  it('--id prints only the release id on stdout', async () => {
    const res = await runCli(['deploy', fixture(APP_FILES), '--id'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^R[A-Z]{10}\n$/);
    expect(res.stderr).toContain('Build complete');
  });

  it('refuses a manifest excluded by .dockerignore before uploading (exit 1)', async () => {
    const dir = fixture({ ...APP_FILES, '.dockerignore': '*.yml\n' });
    const res = await runCli(['deploy', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Error: The manifest convox.yml is excluded by .dockerignore');
    expect(stack.rack.requests.list().some((r) => r.path.includes('/objects/'))).toBe(false);
  });

  it('a failed build exits 1 with the reason', async () => {
    const res = await runCli(['deploy', fixture({ ...APP_FILES, '.mock-build-fail': '' })], {
      env,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Error: Build failed: .+/);
  });
});
