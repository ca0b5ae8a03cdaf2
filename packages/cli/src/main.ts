// Runs one `rack-gateway` invocation: parse, execute, remind about an expiring session, and turn
// every failure into one error line and its exit code (cli.md §10). Returns the exit code instead
// of exiting, so tests run commands in-process.
import { type Command, CommanderError } from 'commander';
import type { Act, Handler } from './commands/command-kit.js';
import { Redispatch } from './commands/convox-passthrough.js';
import { expiryReminder } from './config/expiry-reminder.js';
import { CliContext, type GlobalOptions } from './context.js';
import { EXIT, ExitSignal } from './errors.js';
import { toCliError } from './gateway/error-map.js';
import type { CliIo } from './io.js';
import { Output } from './output/output.js';
import { buildProgram } from './program.js';
import { missingDirectoryApp } from './rack/missing-app.js';

function commanderExit(err: CommanderError): number {
  if (err.exitCode === 0) return EXIT.ok;
  return EXIT.usage;
}

function forEveryCommand(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) forEveryCommand(sub, fn);
}

/** `convox apps -r prod` → `apps -r prod`: the native-command fallback keeps the global options. */
function withoutConvox(argv: readonly string[]): string[] {
  const at = argv.indexOf('convox');
  return [...argv.slice(0, at), ...argv.slice(at + 1)];
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const early = new Output(io, { json: false, color: !io.env.NO_COLOR, debug: false });
  let ctx: CliContext | undefined;
  const act: Act =
    (handler: Handler) =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command;
      ctx = new CliContext(io, cmd.optsWithGlobals() as GlobalOptions);
      await handler(ctx, cmd);
      await expiryReminder(ctx);
    };
  const program = buildProgram(act, early);
  forEveryCommand(program, (c) => c.exitOverride());
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (err instanceof ExitSignal) return err.exitCode;
    if (err instanceof Redispatch) return main(withoutConvox(argv), io);
    const missing = ctx === undefined ? undefined : await missingDirectoryApp(ctx, err);
    const failure = missing ?? toCliError(err, ctx?.errorContext() ?? {});
    (ctx?.out ?? early).error(failure);
    return failure.exitCode;
  } finally {
    await ctx?.close();
  }
}
