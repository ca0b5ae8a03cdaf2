// `deploy [dir]` (cli.md §6.1): git metadata, up-front step-up, package with .dockerignore, upload
// with a progress bar, build with streamed logs, then the promote flow. With --id only the release
// id goes to stdout (build logs then go to stderr).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { followBuild } from '../deploy/build-wait.js';
import { gitMetadata } from '../deploy/git-metadata.js';
import { packageSource, type SourceArchive } from '../deploy/source-archive.js';
import { uploadSource } from '../deploy/upload.js';
import { CliError, EXIT } from '../errors.js';
import type { ProgressLine } from '../output/output.js';
import { DEFAULT_PROMOTE_TIMEOUT_MS, promote } from '../rack/promote-flow.js';
import { stepUpFirst } from '../rack/step-up.js';
import { type Act, appOf, argsOf, optsOf, withApp } from './command-kit.js';
import { parsePairs } from './env.js';
import { parseSince } from './logs.js';

interface DeployOptions {
  readonly description?: string;
  readonly manifest: string;
  readonly cache: boolean;
  readonly buildArg: string[];
  readonly promote: boolean;
  readonly force?: boolean;
  readonly wait: boolean;
  readonly timeout?: number;
  readonly id?: boolean;
}

const DEFAULT_MANIFEST = 'convox.yml';

async function packaged(ctx: CliContext, dir: string, manifest: string): Promise<SourceArchive> {
  let line: ProgressLine | undefined;
  try {
    const archive = await packageSource(dir, manifest, (files) => {
      line = ctx.out.progress(`Packaging source (${files} files)`);
    });
    line?.done();
    return archive;
  } catch (err) {
    line?.fail();
    throw err;
  }
}

async function startBuild(
  ctx: CliContext,
  app: string,
  url: string,
  opts: DeployOptions,
  dir: string,
) {
  const git = await gitMetadata(dir);
  const description = opts.description ?? git.description;
  const buildArgs = Object.entries(parsePairs(opts.buildArg)).map(([k, v]) => `${k}=${v}`);
  const options = {
    url,
    ...(description ? { description } : {}),
    ...(git.sha ? { gitSha: git.sha } : {}),
    ...(opts.manifest !== DEFAULT_MANIFEST ? { manifest: opts.manifest } : {}),
    ...(opts.cache ? {} : { noCache: true }),
    ...(buildArgs.length > 0 ? { buildArgs } : {}),
  };
  return ctx.out.step('Starting build', () =>
    ctx.session().rackAccess.write((c) => c.createBuild(app, options)),
  );
}

async function deploy(ctx: CliContext, cmd: Command): Promise<void> {
  const [dirArg] = argsOf<[string?]>(cmd);
  const opts = optsOf<DeployOptions>(cmd);
  const app = appOf(ctx, cmd);
  const dir = resolve(ctx.io.cwd, dirArg ?? '.');
  const timeoutMs = opts.timeout ?? DEFAULT_PROMOTE_TIMEOUT_MS;
  parsePairs(opts.buildArg);
  await stepUpFirst(ctx);
  const archive = await packaged(ctx, dir, opts.manifest);
  let url: string;
  try {
    url = await uploadSource(ctx, app, archive);
  } finally {
    await archive.remove();
  }
  const created = await startBuild(ctx, app, url, opts, dir);
  const print = (frame: Buffer) => (opts.id ? ctx.out.rawErr(frame) : ctx.out.raw(frame));
  const build = await followBuild(ctx, app, created.id, print, timeoutMs);
  if (!build.release)
    throw new CliError(`Build ${build.id} completed without a release`, EXIT.failed);
  if (!opts.id) {
    ctx.out.line(`Build: ${build.id}`);
    ctx.out.line(`Release: ${build.release}`);
  }
  if (opts.promote)
    await promote(ctx, app, build.release, {
      force: opts.force === true,
      wait: opts.wait,
      timeoutMs,
    });
  if (opts.id) ctx.out.line(build.release);
}

export function registerDeployCommand(program: Command, act: Act): void {
  withApp(program.command('deploy').description('build a directory and promote the release'))
    .argument('[dir]', 'directory to deploy (default: .)')
    .option('--description <text>', 'build description')
    .option('-m, --manifest <path>', 'manifest file', DEFAULT_MANIFEST)
    .option('--no-cache', 'build without the layer cache')
    .option(
      '--build-arg <K=V>',
      'build argument (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--no-promote', 'build only; do not promote the release')
    .option('--force', 'promote even while the app is updating')
    .option('--no-wait', 'do not wait for the rollout')
    .option(
      '--timeout <duration>',
      'how long to wait for build and rollout (default 35m)',
      parseSince,
    )
    .option('--id', 'print only the release id on stdout')
    .action(act(deploy));
}
