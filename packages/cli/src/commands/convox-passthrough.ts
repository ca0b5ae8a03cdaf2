// `rack-gateway convox <args…>` (cli.md §4.2): runs the native convox CLI with RACK_URL set in the
// child's environment only (never printed), stdio inherited, exiting with its code. Without a convox
// binary, a command this CLI implements natively runs natively; anything else is a usage error.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ExitSignal, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { rackProxyUrl } from '../rack/rack-access.js';
import { type Act, argsOf } from './command-kit.js';

/** Thrown to run the invocation without its `convox` word as a rack-gateway command (main). */
export class Redispatch extends Error {
  override readonly name = 'Redispatch';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findConvox(io: CliIo): string | undefined {
  const explicit = io.env.RACK_GATEWAY_CONVOX_BIN;
  if (explicit) return executable(explicit) ? explicit : undefined;
  const names = io.platform === 'win32' ? ['convox.exe', 'convox'] : ['convox'];
  for (const dir of (io.env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of names) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

function runNative(bin: string, args: readonly string[], env: Record<string, string | undefined>) {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(bin, [...args], { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function convox(program: Command) {
  return async (ctx: CliContext, cmd: Command): Promise<void> => {
    const [args] = argsOf<[string[]]>(cmd);
    const bin = findConvox(ctx.io);
    if (bin === undefined) {
      const name = args[0] ?? '';
      if (program.commands.some((c) => c.name() === name && name !== 'convox'))
        throw new Redispatch('redispatch');
      throw usageError(
        `The convox CLI is not installed; install it or use rack-gateway ${name || '<command>'}`,
      );
    }
    const session = ctx.session();
    const env = {
      ...ctx.io.env,
      RACK_URL: rackProxyUrl(session.url, session.credential.value).href,
    };
    const code = await runNative(bin, args, env);
    if (code !== 0) throw new ExitSignal(code);
  };
}

export function registerConvoxPassthrough(program: Command, act: Act): void {
  program
    .command('convox')
    .description('run the native convox CLI against this rack (RACK_URL set for it only)')
    .argument('[args...]', 'convox arguments')
    .allowUnknownOption()
    .helpOption(false)
    .action(act(convox(program)));
}
