// `logs` (cli.md §6): the app's (or one service's) log socket with `Prefix: true`; `-f` follows
// until Ctrl-C, which ends the command with exit 0; `--no-follow` (convox's spelling of the default)
// prints the selection and ends. Lines are printed exactly as received.
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { printStream } from '../rack/print-stream.js';
import { type Act, appOf, optsOf, parseInteger, withApp } from './command-kit.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `30s`, `10m`, `2h`, `1d` → milliseconds (sent as a canonical Go duration). */
export function parseSince(value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('use a number with s, m, h or d, e.g. 30s, 10m, 2h, 1d');
  return Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
}

interface LogsOptions {
  readonly follow?: boolean;
  readonly since?: number;
  readonly tail?: number;
  readonly filter?: string;
  readonly service?: string;
}

async function logs(ctx: CliContext, cmd: Command): Promise<void> {
  const app = appOf(ctx, cmd);
  const opts = optsOf<LogsOptions>(cmd);
  const options = {
    prefix: true,
    follow: opts.follow === true,
    ...(opts.since === undefined ? {} : { since: opts.since }),
    ...(opts.tail === undefined ? {} : { tail: opts.tail }),
    ...(opts.filter === undefined ? {} : { filter: opts.filter }),
  };
  const service = opts.service;
  const stream = await ctx
    .session()
    .rackAccess.read((c) =>
      service ? c.serviceLogs(app, service, options) : c.appLogs(app, options),
    );
  await printStream(ctx, stream);
}

export function registerLogsCommand(program: Command, act: Act): void {
  withApp(program.command('logs').description('show app logs'))
    .option('-f, --follow', 'keep streaming new lines until Ctrl-C')
    .option('--no-follow', 'print the selected lines and end (the default; convox spells it out)')
    .option('--since <duration>', 'lines newer than this (30s, 10m, 2h, 1d)', parseSince)
    .option('--tail <n>', 'only the last n lines', parseInteger('--tail'))
    .option('--filter <text>', 'only lines containing this text')
    .option('-s, --service <name>', 'only this service')
    .action(act(logs));
}
