// The command tree (cli.md §1): global options, session commands and the convox commands. Actions
// run through `act`, which builds the shared CliContext from the global options on first use.
import { Command, Option } from 'commander';
import type { Act } from './commands/command-kit.js';
import { registerCompletionCommands } from './commands/completion.js';
import { registerConvoxCommands } from './commands/convox.js';
import { registerConvoxPassthrough } from './commands/convox-passthrough.js';
import { registerLinkCommands } from './commands/links.js';
import { registerLoginCommands } from './commands/login.js';
import { registerStatusCommands } from './commands/status.js';
import type { Output } from './output/output.js';
import { CLI_VERSION } from './version.js';

export function buildProgram(act: Act, out: Output): Command {
  const program = new Command('rack-gateway')
    .description('Work with a Convox rack through rack-gateway')
    .version(CLI_VERSION, '-V, --version', 'print the client version')
    .option('-r, --rack <name>', 'rack to use (default: RACK_GATEWAY_RACK, then the current rack)')
    .option('--api-token <token>', 'use an API token instead of the stored session')
    .option('--mfa-code <code>', 'TOTP or backup code for the first MFA challenge')
    .addOption(new Option('--mfa-method <method>', 'MFA method').choices(['totp', 'webauthn']))
    .option('--json', 'print JSON documents')
    .option('--no-color', 'no colours')
    .option('--debug', 'print request lines on stderr (credentials redacted)')
    .option('--config-dir <dir>', 'configuration directory')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.raw(text),
      writeErr: (text) => out.rawErr(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'Error: ')),
    });
  registerLoginCommands(program, act);
  registerStatusCommands(program, act);
  registerLinkCommands(program, act);
  registerConvoxCommands(program, act);
  registerConvoxPassthrough(program, act);
  registerCompletionCommands(program, act);
  return program;
}
