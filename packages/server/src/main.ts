// rack-gateway-server: serve | migrate | audit … | config check | version | help (config.md §4).
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerAuditCommands } from './commands/audit-program.js';
import { configCheck } from './commands/config-check.js';
import { migrateCommand } from './commands/migrate.js';
import { EXIT } from './commands/output.js';
import { serve } from './commands/serve.js';
import {
  type UsersFlags,
  usersCreate,
  usersResetIdpBinding,
  usersResetMfa,
  usersSeed,
  usersUnlock,
} from './commands/users.js';
import { SERVER_VERSION } from './config/version.js';

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError('must be an integer between 1 and 65535');
  return n;
}

const DEMO_USERS_HELP = "the demo's data directory and configuration (npm start's)";

function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .alias('user')
    .description(
      'user management without the API (through the running server when it holds the embedded database)',
    );
  users
    .command('create')
    .description('create a user (audited as user.create by system)')
    .requiredOption('--email <email>', 'e-mail address')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', 'admin, deployer, ops or viewer')
    .option('--demo', DEMO_USERS_HELP)
    .action(async (opts: { email: string; name: string; role: string; demo?: boolean }) =>
      process.exit(await usersCreate(opts)),
    );
  users
    .command('seed')
    .description('apply ADMIN_USERS / DEPLOYER_USERS / OPERATIONS_USERS / VIEWER_USERS once')
    .option('--demo', DEMO_USERS_HELP)
    .action(async (opts: UsersFlags) => process.exit(await usersSeed(opts)));
  users
    .command('unlock <email>')
    .description('break-glass unlock of a locked user (audited as user.unlock by system)')
    .option('--demo', DEMO_USERS_HELP)
    .action(async (email: string, opts: UsersFlags) =>
      process.exit(await usersUnlock(email, opts)),
    );
  users
    .command('reset-mfa <email>')
    .description('break-glass MFA reset: methods, backup codes, trusted devices, sessions')
    .option('--demo', DEMO_USERS_HELP)
    .action(async (email: string, opts: UsersFlags) =>
      process.exit(await usersResetMfa(email, opts)),
    );
  users
    .command('reset-idp-binding <email>')
    .description(
      'clear the IdP subject binding (the next login binds again) and revoke every session',
    )
    .option('--demo', DEMO_USERS_HELP)
    .action(async (email: string, opts: UsersFlags) =>
      process.exit(await usersResetIdpBinding(email, opts)),
    );
}

export function buildProgram(): Command {
  const program = new Command('rack-gateway-server')
    .description('Security gateway in front of a Convox rack')
    .version(SERVER_VERSION, '-v, --version')
    .exitOverride();
  program
    .command('serve', { isDefault: true })
    .description('run the gateway')
    .option('--demo', 'demo mode: mock IdP, mock rack, demo users, embedded database')
    .option('--port <n>', 'listen port (overrides PORT)', portArg)
    .action((opts: { demo?: boolean; port?: number }) => serve(opts));
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--status', 'list applied and pending migrations')
    .action(async (opts: { status?: boolean }) => process.exit(await migrateCommand(opts)));
  registerAuditCommands(program);
  registerUserCommands(program);
  program
    .command('config')
    .description('configuration tools')
    .command('check')
    .option('--demo', 'check the demo-mode configuration')
    .description('validate the environment and print the resolved configuration')
    .action((opts: { demo?: boolean }) => process.exit(configCheck(opts)));
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${SERVER_VERSION}\n`);
    });
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
    throw e;
  }
}
