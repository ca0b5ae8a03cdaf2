// The glue between commander and the command handlers: every action runs as `handler(ctx, cmd)`
// with the shared CliContext; positional arguments come from `cmd.processedArgs`, options from
// `cmd.opts()`. Convox commands add `-a, --app` and resolve the app per cli.md §3.
import { type Command, InvalidArgumentError } from 'commander';
import { resolveApp } from '../config/selection.js';
import type { CliContext } from '../context.js';

export type Handler = (ctx: CliContext, cmd: Command) => Promise<void>;
export type Act = (handler: Handler) => (...args: unknown[]) => Promise<void>;

/** Positional arguments of the running command, in declaration order. */
export function argsOf<T extends unknown[]>(cmd: Command): T {
  return cmd.processedArgs as T;
}

/** Options of the command and its parents (a parent consumes its own flags wherever they appear,
 * so `releases info R1 -a app` delivers `-a` to `releases`). */
export function optsOf<T>(cmd: Command): T {
  return cmd.optsWithGlobals() as T;
}

export function withApp(cmd: Command): Command {
  return cmd.option(
    '-a, --app <name>',
    'app name (default: RACK_GATEWAY_APP, CONVOX_APP, .convox/app, directory)',
  );
}

export function appOf(ctx: CliContext, cmd: Command): string {
  const selected = resolveApp(ctx.io.env, ctx.io.cwd, optsOf<{ app?: string }>(cmd).app);
  ctx.out.debug(`app ${selected.app} (from ${selected.source})`);
  ctx.appSelection = selected;
  return selected.app;
}

/** The `-l, --limit` option as rack query options. */
export function limitOf(cmd: Command): { limit?: number } {
  const { limit } = optsOf<{ limit?: number }>(cmd);
  return limit === undefined ? {} : { limit };
}

export function parseInteger(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(value);
  };
}
