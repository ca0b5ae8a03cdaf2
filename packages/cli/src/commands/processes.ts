// `ps`, `ps stop`, `scale`, `restart` (cli.md §6, API §8.8 and §8.10).
import {
  type App,
  PROCESS_SCHEMA,
  type Process,
  SERVICE_SCHEMA,
  type Service,
} from '@rack-gateway/convox';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { getApp, waitForRelease } from '../rack/app-wait.js';
import { DEFAULT_PROMOTE_TIMEOUT_MS } from '../rack/promote-flow.js';
import { ago, listOf, showDocument } from '../rack/rack-documents.js';
import { stepUpFirst } from '../rack/step-up.js';
import { type Act, appOf, argsOf, optsOf, parseInteger, withApp } from './command-kit.js';

async function ps(ctx: CliContext, cmd: Command): Promise<void> {
  const app = appOf(ctx, cmd);
  const opts = optsOf<{ service?: string; release?: string }>(cmd);
  const query = {
    ...(opts.service ? { service: opts.service } : {}),
    ...(opts.release ? { release: opts.release } : {}),
  };
  await showDocument(ctx, 'processes.list', { app }, query, (doc) => {
    const now = ctx.io.now();
    ctx.out.table(
      ['id', 'service', 'status', 'release', 'started', 'command'],
      listOf(PROCESS_SCHEMA, doc, 'process').map((p) => [
        p.id,
        p.name,
        p.status,
        p.release,
        ago(p.started, now),
        p.command,
      ]),
    );
  });
}

async function stop(ctx: CliContext, cmd: Command): Promise<void> {
  const [pid] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  await ctx.out.step(`Stopping ${pid}`, () =>
    ctx.session().rackAccess.write((c) => c.stopProcess(app, pid)),
  );
}

function scaleRows(services: readonly Service[], processes: readonly Process[]) {
  return services.map((s) => {
    const running = processes.filter((p) => p.name === s.name && p.status === 'running').length;
    return [s.name, String(s.count), String(running), String(s.cpu), String(s.memory)];
  });
}

interface ScaleOptions {
  readonly count?: number;
  readonly cpu?: number;
  readonly memory?: number;
  readonly wait: boolean;
}

async function showScale(ctx: CliContext, app: string): Promise<void> {
  const processes = ctx.out.json
    ? []
    : await ctx.session().rackAccess.read((c) => c.listProcesses(app));
  await showDocument(ctx, 'services.list', { app }, {}, (doc) =>
    ctx.out.table(
      ['service', 'desired', 'running', 'cpu', 'memory'],
      scaleRows(listOf(SERVICE_SCHEMA, doc, 'service'), processes),
    ),
  );
}

async function scale(ctx: CliContext, cmd: Command): Promise<void> {
  const [service] = argsOf<[string?]>(cmd);
  const opts = optsOf<ScaleOptions>(cmd);
  const changes = { count: opts.count, cpu: opts.cpu, memory: opts.memory };
  const changing = Object.values(changes).some((v) => v !== undefined);
  const app = appOf(ctx, cmd);
  if (changing !== (service !== undefined))
    throw usageError(
      service === undefined ? 'Missing argument <service>' : 'Nothing to change',
      'Run: rack-gateway scale <service> --count <n> [--cpu <m>] [--memory <MiB>]',
    );
  if (service === undefined) return showScale(ctx, app);
  await stepUpFirst(ctx);
  const rack = ctx.session().rackAccess;
  await ctx.out.step(`Scaling ${service}`, async () => {
    const before: App = await getApp(ctx, app);
    await rack.write((c) => c.updateService(app, service, changes));
    if (opts.wait) await waitForRelease(ctx, app, before.release, DEFAULT_PROMOTE_TIMEOUT_MS);
  });
}

async function restart(ctx: CliContext, cmd: Command): Promise<void> {
  const [only] = argsOf<[string?]>(cmd);
  const app = appOf(ctx, cmd);
  const rack = ctx.session().rackAccess;
  const services = await rack.read((c) => c.listServices(app));
  const names = services.map((s) => s.name).filter((name) => only === undefined || name === only);
  if (only !== undefined && names.length === 0)
    throw usageError(`Service "${only}" not found in ${app}`);
  for (const name of names)
    await ctx.out.step(`Restarting ${name}`, () => rack.write((c) => c.restartService(app, name)));
}

export function registerProcessCommands(program: Command, act: Act): void {
  const psCmd = withApp(program.command('ps').description('list processes'))
    .option('-s, --service <name>', 'only this service')
    .option('--release <id>', 'only this release')
    .action(act(ps));
  withApp(
    psCmd.command('stop').description('stop a process').argument('<pid>', 'process id'),
  ).action(act(stop));
  withApp(program.command('scale').description('show or change service scale'))
    .argument('[service]', 'service to change')
    .option('--count <n>', 'desired process count', parseInteger('--count'))
    .option('--cpu <millicores>', 'cpu per process', parseInteger('--cpu'))
    .option('--memory <MiB>', 'memory per process', parseInteger('--memory'))
    .option('--no-wait', 'do not wait until the change is rolled out')
    .action(act(scale));
  withApp(program.command('restart').description('restart every service, or one'))
    .argument('[service]', 'service to restart')
    .action(act(restart));
}
