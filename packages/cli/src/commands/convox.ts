// The convox commands implemented natively through the gateway's rack proxy (cli.md §6).
import type { Command } from 'commander';
import { registerAppCommands } from './apps.js';
import { registerBuildCommands } from './builds.js';
import type { Act } from './command-kit.js';
import { registerDeployCommand } from './deploy.js';
import { registerEnvCommands } from './env.js';
import { registerLogsCommand } from './logs.js';
import { registerProcessCommands } from './processes.js';
import { rackInfo } from './rack-info.js';
import { registerReleaseCommands } from './releases.js';
import { registerRunCommands } from './run.js';

export function registerConvoxCommands(program: Command, act: Act): void {
  registerAppCommands(program, act);
  registerProcessCommands(program, act);
  registerLogsCommand(program, act);
  registerEnvCommands(program, act);
  registerDeployCommand(program, act);
  registerBuildCommands(program, act);
  registerReleaseCommands(program, act);
  registerRunCommands(program, act);
  const rack = program.commands.find((c) => c.name() === 'rack');
  rack
    ?.command('info')
    .description('show the rack (name, provider, version, status)')
    .action(act(rackInfo));
}
