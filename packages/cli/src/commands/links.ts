// Commands that hand the gateway to something else (cli.md §4.2): `web [path]` opens the web UI,
// `rack-url` (alias `env-url`) prints the RACK_URL for the native convox CLI. The RACK_URL is the
// only place where the CLI prints a credential, by design, with a warning on terminals.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { rackProxyUrl } from '../rack/rack-access.js';
import { openOrPrint } from '../terminal/browser.js';
import { type Act, argsOf, optsOf } from './command-kit.js';

async function web(ctx: CliContext, cmd: Command): Promise<void> {
  const [path = ''] = argsOf<[string?]>(cmd);
  const url = ctx.rack().url ?? '';
  const rest = path.replace(/^\/+/, '').replace(/^app(\/|$)/, '');
  const target = `${url}/app${rest ? `/${rest}` : ''}`;
  if (!(await openOrPrint(ctx.io, ctx.out, target))) return;
  ctx.out.note(`Opened ${target}`);
}

const SHELLS = ['sh', 'fish', 'powershell'] as const;
type Shell = (typeof SHELLS)[number];

function exportLine(shell: Shell, value: string): string {
  const quoted = value.replaceAll("'", `'\\''`);
  if (shell === 'fish') return `set -gx RACK_URL '${quoted}'`;
  if (shell === 'powershell') return `$env:RACK_URL = '${value.replaceAll("'", "''")}'`;
  return `export RACK_URL='${quoted}'`;
}

interface RackUrlOptions {
  readonly export?: boolean;
  readonly shell?: string;
  readonly inlineMfa?: boolean;
}

async function rackUrl(ctx: CliContext, cmd: Command): Promise<void> {
  const opts = optsOf<RackUrlOptions>(cmd);
  const shell = opts.shell as Shell | undefined;
  if (shell !== undefined && !SHELLS.includes(shell))
    throw usageError(`Unknown shell "${opts.shell}"`, `Use one of: ${SHELLS.join(', ')}`);
  const session = ctx.session();
  let credential = session.credential.value;
  if (opts.inlineMfa) credential += await session.mfa.inlineSuffix();
  const value = rackProxyUrl(session.url, credential).href;
  ctx.out.line(opts.export || shell ? exportLine(shell ?? 'sh', value) : value);
  if (ctx.out.stdoutIsTerminal)
    ctx.out.warn(
      'this URL contains your credential: do not share it, paste it into tickets or commit it.',
    );
}

// How long an inline value lasts (identity.md §14.2, §14.5, §14.8): a TOTP code is accepted in its
// 30 s step ±1, a hand-off proof for 2 minutes; the first verified request opens the step-up
// window, and a code re-sent after it is refused as already used (not counted as a failure).
const INLINE_MFA_HELP = `
--inline-mfa: how long the value is good for
  The URL carries one MFA value (.totp.<code>, or a WebAuthn hand-off proof).
  - Use it soon: the first command that needs MFA verifies it. A TOTP code is accepted for
    about a minute (its 30-second step, one step either side), a WebAuthn proof for 2 minutes.
  - Once verified, step-up actions pass without a code for the step-up window (10 minutes by
    default); each "always" action (deleting an app, ...) needs a fresh value.
  - After that the value is spent: the gateway answers "this code was already used; get a
    fresh one" (not a failed attempt). Run rack-gateway rack-url --inline-mfa again.`;

export function registerLinkCommands(program: Command, act: Act): void {
  program
    .command('web')
    .description('open the gateway web UI')
    .argument('[path]', 'page under /app, e.g. audit')
    .action(act(web));
  program
    .command('rack-url')
    .alias('env-url')
    .description('print a RACK_URL for the native convox CLI (contains your credential)')
    .option('--export', 'print as a shell export statement')
    .option('--shell <shell>', 'export syntax: sh, fish or powershell')
    .option('--inline-mfa', 'embed a one-time MFA value (good for one MFA check; see below)')
    .addHelpText('after', INLINE_MFA_HELP)
    .action(act(rackUrl));
}
