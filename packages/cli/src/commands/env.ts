// `env`, `env get|set|unset` (cli.md §6) through the gateway's env API, which composes the env
// itself (masking, protected and secret keys). `set` takes K=V arguments and, when stdin is not a
// terminal, K=V lines from stdin; `--promote` runs the promote flow on the new release.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { type EnvChange, MASK, readEnv, updateEnv } from '../gateway/env-api.js';
import { DEFAULT_PROMOTE_TIMEOUT_MS, promote } from '../rack/promote-flow.js';
import { stepUpFirst } from '../rack/step-up.js';
import { type Act, appOf, argsOf, optsOf, withApp } from './command-kit.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertKey(key: string): string {
  if (!KEY.test(key))
    throw usageError(`Invalid key "${key}"`, 'Keys match [A-Za-z_][A-Za-z0-9_]*.');
  return key;
}

/** Parses `K=V` pairs (the first `=` splits). */
export function parsePairs(pairs: readonly string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 0) throw usageError(`"${pair}" is not KEY=VALUE`);
    set[assertKey(pair.slice(0, at))] = pair.slice(at + 1);
  }
  return set;
}

async function stdinPairs(ctx: CliContext): Promise<string[]> {
  if (ctx.io.stdin.isTTY) return [];
  let text = '';
  for await (const chunk of ctx.io.stdin) text += chunk.toString();
  return text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

async function list(ctx: CliContext, cmd: Command): Promise<void> {
  const app = appOf(ctx, cmd);
  const { reveal } = optsOf<{ reveal?: boolean }>(cmd);
  const read = await readEnv(ctx.session(), app, { reveal: reveal === true }, ctx.io.interrupt);
  if (ctx.out.json) return ctx.out.document(read.body);
  for (const key of Object.keys(read.env).sort()) ctx.out.line(`${key}=${read.env[key]}`);
}

async function get(ctx: CliContext, cmd: Command): Promise<void> {
  const [key] = argsOf<[string]>(cmd);
  const app = appOf(ctx, cmd);
  const { reveal } = optsOf<{ reveal?: boolean }>(cmd);
  const read = await readEnv(
    ctx.session(),
    app,
    { reveal: reveal === true, key },
    ctx.io.interrupt,
  );
  const value = read.env[key];
  if (value === undefined) throw new CliError(`${key} not found`, EXIT.notFound);
  ctx.out.line(value);
  // The gateway masks whole values, or only the password of a URL (`postgres://u:****…@db/x`).
  if (value.includes(MASK) && !reveal)
    ctx.out.note('Hint: the value is masked; add --reveal to show it (needs convox:secret:read)');
}

async function change(
  ctx: CliContext,
  cmd: Command,
  edit: EnvChange,
  verb: string,
  keys: string[],
) {
  const app = appOf(ctx, cmd);
  const opts = optsOf<{ promote?: boolean; wait: boolean }>(cmd);
  if (opts.promote) await stepUpFirst(ctx);
  const session = ctx.session();
  const { release } = await ctx.out.step(`${verb} ${keys.join(', ')}`, () =>
    updateEnv(session, app, edit),
  );
  if (release === null) return ctx.out.note('No changes');
  ctx.out.line(`Release: ${release}`);
  if (opts.promote)
    await promote(ctx, app, release, {
      force: false,
      wait: opts.wait,
      timeoutMs: DEFAULT_PROMOTE_TIMEOUT_MS,
    });
}

async function set(ctx: CliContext, cmd: Command): Promise<void> {
  const [pairs] = argsOf<[string[]]>(cmd);
  const values = parsePairs([...pairs, ...(await stdinPairs(ctx))]);
  const keys = Object.keys(values);
  if (keys.length === 0) throw usageError('Missing argument KEY=VALUE');
  await change(ctx, cmd, { set: values, remove: [] }, 'Setting', keys);
}

async function unset(ctx: CliContext, cmd: Command): Promise<void> {
  const [keys] = argsOf<[string[]]>(cmd);
  for (const key of keys) assertKey(key);
  await change(ctx, cmd, { set: {}, remove: keys }, 'Unsetting', keys);
}

function changing(cmd: Command): Command {
  return withApp(cmd)
    .option('--promote', 'promote the new release')
    .option('--no-wait', 'with --promote: do not wait for the rollout');
}

export function registerEnvCommands(program: Command, act: Act): void {
  const env = withApp(program.command('env').description('show the app environment'))
    .option('--reveal', 'show secret values (needs convox:secret:read and a fresh step-up)')
    .action(act(list));
  withApp(env.command('get').description('print one value').argument('<key>', 'variable name'))
    .option('--reveal', 'show a secret value')
    .action(act(get));
  changing(
    env
      .command('set')
      .description('set variables (creates a release)')
      .argument('[pairs...]', 'KEY=VALUE'),
  ).action(act(set));
  changing(
    env
      .command('unset')
      .description('remove variables (creates a release)')
      .argument('<keys...>', 'KEY'),
  ).action(act(unset));
}
