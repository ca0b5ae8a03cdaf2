// `releases`, `releases info|promote|rollback` (cli.md §6, §6.3). `rollback <id>` does what convox
// does: a new release from the old one's build and env, then the promote flow. The env comes back
// from the gateway with secret values masked; the gateway keeps the current value for a mask, so
// secrets stay as they are now while every other variable returns to the old release's value.
import { RELEASE_SCHEMA } from '@rack-gateway/convox';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { getApp } from '../rack/app-wait.js';
import { DEFAULT_PROMOTE_TIMEOUT_MS, promote } from '../rack/promote-flow.js';
import { ago, listOf, objectOf, showDocument } from '../rack/rack-documents.js';
import { stepUpFirst } from '../rack/step-up.js';
import { type Act, appOf, argsOf, limitOf, optsOf, parseInteger, withApp } from './command-kit.js';
import { parseSince } from './logs.js';

async function list(ctx: CliContext, cmd: Command): Promise<void> {
  const app = appOf(ctx, cmd);
  const current = ctx.out.json ? undefined : await getApp(ctx, app);
  await showDocument(ctx, 'releases.list', { app }, limitOf(cmd), (doc) => {
    const now = ctx.io.now();
    ctx.out.table(
      ['id', 'status', 'build', 'created', 'description'],
      listOf(RELEASE_SCHEMA, doc, 'release').map((r) => [
        r.id,
        r.id === current?.release ? 'active' : '',
        r.build,
        ago(r.created, now),
        r.description,
      ]),
    );
  });
}

async function info(ctx: CliContext, cmd: Command): Promise<void> {
  const [id] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  await showDocument(ctx, 'releases.get', { app, id }, {}, (doc) => {
    const r = objectOf(RELEASE_SCHEMA, doc, 'release');
    ctx.out.info([
      ['Id', r.id],
      ['Build', r.build],
      ['Created', ago(r.created, ctx.io.now())],
      ['Description', r.description],
      ['Env', r.env],
    ]);
  });
}

interface PromoteFlags {
  readonly force?: boolean;
  readonly wait: boolean;
  readonly timeout?: number;
}

async function promoteCommand(ctx: CliContext, cmd: Command): Promise<void> {
  const [given] = argsOf<[string?]>(cmd);
  const app = appOf(ctx, cmd);
  const flags = optsOf<PromoteFlags>(cmd);
  await stepUpFirst(ctx);
  let id = given;
  if (id === undefined) {
    const [newest] = await ctx.session().rackAccess.read((c) => c.listReleases(app, { limit: 1 }));
    if (newest === undefined) throw new CliError(`${app} has no releases`, EXIT.notFound);
    id = newest.id;
  }
  await promote(ctx, app, id, {
    force: flags.force === true,
    wait: flags.wait,
    timeoutMs: flags.timeout ?? DEFAULT_PROMOTE_TIMEOUT_MS,
  });
}

async function rollback(ctx: CliContext, cmd: Command): Promise<void> {
  const [id] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  const flags = optsOf<PromoteFlags>(cmd);
  await stepUpFirst(ctx);
  const rack = ctx.session().rackAccess;
  const created = await ctx.out.step(
    `Rolling back to ${id}`,
    async () => {
      const old = await rack.read((c) => c.getRelease(app, id));
      return rack.write((c) => c.createRelease(app, { build: old.build, env: old.env }));
    },
    (release) => `OK, ${release.id}`,
  );
  await promote(ctx, app, created.id, {
    force: flags.force === true,
    wait: flags.wait,
    timeoutMs: flags.timeout ?? DEFAULT_PROMOTE_TIMEOUT_MS,
  });
}

export function registerReleaseCommands(program: Command, act: Act): void {
  const releases = withApp(program.command('releases').description('list releases'))
    .option('-l, --limit <n>', 'number of releases', parseInteger('--limit'))
    .action(act(list));
  withApp(
    releases.command('info').description('show a release').argument('<id>', 'release id'),
  ).action(act(info));
  withApp(releases.command('promote').description('promote a release (default: the newest)'))
    .argument('[id]', 'release id')
    .option('--force', 'promote even while the app is updating')
    .option('--no-wait', 'do not wait for the rollout')
    .option('--timeout <duration>', 'how long to wait (default 35m)', parseSince)
    .action(act(promoteCommand));
  withApp(
    releases
      .command('rollback')
      .description('go back to a release: promote a new one with its build and env'),
  )
    .argument('<id>', 'release id to go back to')
    .option('--force', 'promote even while the app is updating')
    .option('--no-wait', 'do not wait for the rollout')
    .option('--timeout <duration>', 'how long to wait (default 35m)', parseSince)
    .action(act(rollback));
}
