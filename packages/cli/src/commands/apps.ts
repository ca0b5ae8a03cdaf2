// `apps`, `apps info|create|delete` (cli.md §6): listing and info from the rack documents,
// create waits until the app runs, delete asks for the app name (unless --yes) and waits until it
// is gone.
import { APP_SCHEMA } from '@rack-gateway/convox';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { waitUntilDeleted, waitUntilRunning } from '../rack/app-wait.js';
import { listOf, objectOf, showDocument } from '../rack/rack-documents.js';
import { canPrompt, promptLine } from '../terminal/prompt.js';
import { type Act, appOf, argsOf, optsOf, withApp } from './command-kit.js';

const WAIT_MS = 35 * 60_000;

async function list(ctx: CliContext): Promise<void> {
  await showDocument(ctx, 'apps.list', {}, {}, (doc) =>
    ctx.out.table(
      ['app', 'status', 'release'],
      listOf(APP_SCHEMA, doc, 'app').map((a) => [a.name, a.status, a.release]),
    ),
  );
}

async function info(ctx: CliContext, cmd: Command): Promise<void> {
  const [name] = argsOf<[string?]>(cmd);
  const app = name ?? appOf(ctx, cmd);
  await showDocument(ctx, 'apps.get', { app }, {}, (doc) => {
    const a = objectOf(APP_SCHEMA, doc, 'app');
    ctx.out.info([
      ['Name', a.name],
      ['Status', a.status],
      ['Generation', a.generation],
      ['Locked', String(a.locked)],
      ['Release', a.release],
      ['Router', a.router],
    ]);
  });
}

async function create(ctx: CliContext, cmd: Command): Promise<void> {
  const [app] = argsOf<[string]>(cmd);
  const opts = optsOf<{ generation?: string; wait: boolean }>(cmd);
  const rack = ctx.session().rackAccess;
  await ctx.out.step(`Creating ${app}`, async () => {
    await rack.write((c) =>
      c.createApp(app, opts.generation ? { generation: opts.generation } : {}),
    );
    if (opts.wait) await waitUntilRunning(ctx, app, WAIT_MS);
  });
}

async function confirmDelete(ctx: CliContext, app: string): Promise<void> {
  if (!canPrompt(ctx.io))
    throw new CliError(`Refusing to delete ${app} without confirmation`, EXIT.usage, {
      hint: 'Pass --yes to delete without a prompt.',
    });
  const answer = await promptLine(ctx.io, `Type the app name (${app}) to delete it:`, false);
  if (answer.trim() !== app) throw new CliError('Deletion cancelled', EXIT.failed);
}

async function remove(ctx: CliContext, cmd: Command): Promise<void> {
  const [app] = argsOf<[string]>(cmd);
  const { yes } = optsOf<{ yes?: boolean }>(cmd);
  if (!yes) await confirmDelete(ctx, app);
  await ctx.out.step(`Deleting ${app}`, async () => {
    await ctx.session().rackAccess.write((c) => c.deleteApp(app));
    await waitUntilDeleted(ctx, app, WAIT_MS);
  });
}

export function registerAppCommands(program: Command, act: Act): void {
  const apps = program.command('apps').description('list apps').action(act(list));
  withApp(apps.command('info').description('show an app').argument('[app]', 'app name')).action(
    act(info),
  );
  apps
    .command('create')
    .description('create an app')
    .argument('<app>', 'app name')
    .option('--generation <n>', 'app generation')
    .option('--no-wait', 'do not wait until the app is running')
    .action(act(create));
  apps
    .command('delete')
    .description('delete an app (asks for the app name)')
    .argument('<app>', 'app name')
    .option('-y, --yes', 'delete without confirmation')
    .action(act(remove));
}
