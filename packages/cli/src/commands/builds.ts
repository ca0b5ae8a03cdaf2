// `builds`, `builds info|logs` (cli.md §6).
import { BUILD_SCHEMA, type Build } from '@rack-gateway/convox';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatElapsed } from '../output/format.js';
import { printStream } from '../rack/print-stream.js';
import { ago, listOf, objectOf, showDocument } from '../rack/rack-documents.js';
import { type Act, appOf, argsOf, limitOf, parseInteger, withApp } from './command-kit.js';

export function buildElapsed(b: Build): string {
  if (b.started.isZero() || b.ended.isZero()) return '';
  return formatElapsed(b.ended.toMillis() - b.started.toMillis());
}

async function list(ctx: CliContext, cmd: Command): Promise<void> {
  const app = appOf(ctx, cmd);
  await showDocument(ctx, 'builds.list', { app }, limitOf(cmd), (doc) => {
    const now = ctx.io.now();
    ctx.out.table(
      ['id', 'status', 'release', 'started', 'elapsed', 'description'],
      listOf(BUILD_SCHEMA, doc, 'build').map((b) => [
        b.id,
        b.status,
        b.release,
        ago(b.started, now),
        buildElapsed(b),
        b.description,
      ]),
    );
  });
}

async function info(ctx: CliContext, cmd: Command): Promise<void> {
  const [id] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  await showDocument(ctx, 'builds.get', { app, id }, {}, (doc) => {
    const b = objectOf(BUILD_SCHEMA, doc, 'build');
    ctx.out.info([
      ['Id', b.id],
      ['Status', b.status],
      ['Release', b.release],
      ['Description', b.description],
      ['Started', ago(b.started, ctx.io.now())],
      ['Elapsed', buildElapsed(b)],
    ]);
  });
}

async function logs(ctx: CliContext, cmd: Command): Promise<void> {
  const [id] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  await printStream(ctx, await ctx.session().rackAccess.read((c) => c.buildLogs(app, id)));
}

export function registerBuildCommands(program: Command, act: Act): void {
  const builds = withApp(program.command('builds').description('list builds'))
    .option('-l, --limit <n>', 'number of builds', parseInteger('--limit'))
    .action(act(list));
  withApp(builds.command('info').description('show a build').argument('<id>', 'build id')).action(
    act(info),
  );
  withApp(
    builds.command('logs').description('print a build log').argument('<id>', 'build id'),
  ).action(act(logs));
}
