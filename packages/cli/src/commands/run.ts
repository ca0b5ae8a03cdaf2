// `run` and `exec` (cli.md §6.2). Attached `run` starts a keepalive process (`sleep <timeout>`,
// exactly `sleep 3600` by default: deploy approvals recognise it), waits until it runs, execs the
// command in it, always deletes it afterwards, and exits with the remote code. `run -d` starts the
// command itself as a detached process.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT, ExitSignal } from '../errors.js';
import { attachExec, terminalOptions } from '../rack/exec-attach.js';
import { stepUpFirst } from '../rack/step-up.js';
import { delay } from '../timers.js';
import { type Act, appOf, argsOf, optsOf, parseInteger, withApp } from './command-kit.js';

const START_LIMIT_MS = 5 * 60_000;

interface RunOptions {
  readonly detach?: boolean;
  readonly release?: string;
  readonly timeout: number;
  readonly entrypoint: boolean;
  readonly cpu?: number;
  readonly memory?: number;
}

async function waitForProcess(ctx: CliContext, app: string, pid: string): Promise<void> {
  const rack = ctx.session().rackAccess;
  const deadline = AbortSignal.any([ctx.io.interrupt, AbortSignal.timeout(START_LIMIT_MS)]);
  for (;;) {
    const p = await rack.read((c) => c.getProcess(app, pid));
    if (p.status === 'running') return;
    if (['failed', 'crashed', 'complete'].includes(p.status))
      throw new CliError(`Process ${pid} ${p.status} before the command could run`, EXIT.failed, {
        hint: `rack-gateway logs --app ${app} --since 10m`,
      });
    try {
      await delay(ctx.io.timings.pollMs, deadline);
    } catch (err) {
      if (ctx.io.interrupt.aborted) throw err;
      throw new CliError(`Process ${pid} did not start within 5 minutes`, EXIT.timeout);
    }
  }
}

async function detached(
  ctx: CliContext,
  app: string,
  service: string,
  command: string,
  opts: RunOptions,
) {
  const options = { command, release: opts.release, cpu: opts.cpu, memory: opts.memory };
  const started = () =>
    ctx
      .session()
      .rackAccess.write(async (c) =>
        (await c.request('processes.run', { app, service }, options)).body.text(),
      );
  const pidOf = (text: string) => `OK, ${(JSON.parse(text) as { id?: string }).id ?? ''}`;
  const text = await ctx.out.step('Running detached process', started, pidOf);
  if (ctx.out.json) ctx.out.document(text);
}

async function run(ctx: CliContext, cmd: Command): Promise<void> {
  const [service, words] = argsOf<[string, string[]]>(cmd);
  const opts = optsOf<RunOptions>(cmd);
  const app = appOf(ctx, cmd);
  const command = words.join(' ');
  if (opts.detach) return detached(ctx, app, service, command, opts);
  await stepUpFirst(ctx);
  const rack = ctx.session().rackAccess;
  const { height, width } = terminalOptions(ctx.io);
  const keepalive = {
    command: `sleep ${opts.timeout}`,
    release: opts.release,
    cpu: opts.cpu,
    memory: opts.memory,
    height,
    width,
  };
  const keep = await rack.write((c) => c.runProcess(app, service, keepalive));
  let code: number;
  try {
    await waitForProcess(ctx, app, keep.id);
    code = await attachExec(ctx, app, keep.id, {
      command,
      ...(opts.entrypoint ? { entrypoint: true } : {}),
    });
  } finally {
    await rack
      .write((c) => c.stopProcess(app, keep.id))
      .catch((err: unknown) =>
        ctx.out.debug(`could not delete ${keep.id}: ${(err as Error).message}`),
      );
  }
  if (code !== 0) throw new ExitSignal(code);
}

async function exec(ctx: CliContext, cmd: Command): Promise<void> {
  const [pid, words] = argsOf<[string, string[]]>(cmd);
  const app = appOf(ctx, cmd);
  const code = await attachExec(ctx, app, pid, { command: words.join(' ') });
  if (code !== 0) throw new ExitSignal(code);
}

export function registerRunCommands(program: Command, act: Act): void {
  withApp(program.command('run').description('run a command in a new process of a service'))
    .argument('<service>', 'service')
    .argument('<command...>', 'command (put it after -- when it has flags)')
    .option('-d, --detach', 'start the command as a detached process')
    .option('--release <id>', 'run this release')
    .option('--timeout <seconds>', 'keepalive of the process', parseInteger('--timeout'), 3600)
    .option('--no-entrypoint', 'do not run the image entrypoint')
    .option('--cpu <millicores>', 'cpu for the process', parseInteger('--cpu'))
    .option('--memory <MiB>', 'memory for the process', parseInteger('--memory'))
    .allowUnknownOption()
    .action(act(run));
  withApp(program.command('exec').description('run a command in a running process'))
    .argument('<pid>', 'process id (or a service name)')
    .argument('<command...>', 'command (put it after -- when it has flags)')
    .allowUnknownOption()
    .action(act(exec));
}
