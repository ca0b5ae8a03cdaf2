// `rack-gateway-server users create | seed | unlock | reset-mfa | reset-idp-binding [--demo]`
// (config.md §4): break-glass user management without the HTTP API, audited as actor `system`.
// The command opens the database itself; when a running server holds the embedded database it
// asks that server over the admin socket instead, which runs the same functions
// (admin/user-tasks.ts). Nothing else is tried.
import { callAdminSocket } from '../admin/admin-socket-client.js';
import { type CommandOutcome, runUserCommand, type UserCommand } from '../admin/user-tasks.js';
import { createAuditService } from '../audit/audit-service.js';
import { checkChainId } from '../audit/chain/chain-setup.js';
import type { Config } from '../config/types.js';
import { type OpenedDatabase, openDatabase } from '../db/connect.js';
import { DataDirLockedError } from '../db/embedded-lock.js';
import { migrate } from '../db/migrate.js';
import { systemClock } from '../lib/clock.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { loadOrExit } from './load.js';
import { EXIT, err, out } from './output.js';

type Args = Readonly<Record<string, unknown>>;

const failed = (message: string): CommandOutcome => ({
  code: EXIT.failed,
  stdout: [],
  stderr: [`users: ${message}`],
});

async function runOnDatabase(
  config: Config,
  logger: Logger,
  opened: OpenedDatabase,
  command: UserCommand,
  args: Args,
): Promise<CommandOutcome> {
  const service = createAuditService({ config, db: opened.db, logger });
  try {
    const session = await opened.openMigrationSession();
    await migrate(session).finally(() => session.release());
    await checkChainId(opened.db, config.audit.chainId);
    return await runUserCommand(
      { config, db: opened.db, audit: service.log, clock: systemClock },
      command,
      args,
    );
  } catch (e) {
    return failed((e as Error).message);
  } finally {
    await service.close();
    await opened.db.close().catch(() => undefined);
  }
}

/** The embedded database is held by `held.pid`: the server there runs the command, if it answers. */
async function runThroughServer(
  held: DataDirLockedError,
  command: UserCommand,
  args: Args,
): Promise<CommandOutcome> {
  const reply = await callAdminSocket(held.dataDir, command, args);
  if (reply.kind === 'answered') return reply.outcome;
  return failed(
    `the embedded database in ${held.dataDir} is in use by process ${held.pid}, and no gateway answers on ${reply.socket} (${reply.reason}); if the gateway is starting, retry once it is ready, otherwise stop process ${held.pid} and run the command again`,
  );
}

async function runUsers(
  command: UserCommand,
  demo: boolean,
  argsOf: (config: Config) => Args,
): Promise<number> {
  const { config } = loadOrExit({ demo });
  const args = argsOf(config);
  const logger = createLogger({
    ...config,
    logging: { ...config.logging, format: 'json', level: 'warn' },
  });
  let outcome: CommandOutcome;
  try {
    const opened = await openDatabase(config, logger);
    outcome = await runOnDatabase(config, logger, opened, command, args);
  } catch (e) {
    outcome =
      e instanceof DataDirLockedError
        ? await runThroughServer(e, command, args)
        : failed((e as Error).message);
  }
  for (const line of outcome.stderr) err(line);
  for (const line of outcome.stdout) out(line);
  return outcome.code;
}

export interface UsersFlags {
  /** The demo's data directory and configuration (what `serve --demo`, npm start, uses). */
  readonly demo?: boolean;
}

export function usersCreate(
  opts: { email: string; name: string; role: string } & UsersFlags,
): Promise<number> {
  const { email, name, role } = opts;
  return runUsers('users.create', opts.demo === true, () => ({ email, name, role }));
}

export function usersSeed(flags: UsersFlags = {}): Promise<number> {
  // The lists of this command's environment, also when the running server applies them.
  return runUsers('users.seed', flags.demo === true, (config) => ({ lists: config.seedUsers }));
}

export function usersUnlock(email: string, flags: UsersFlags = {}): Promise<number> {
  return runUsers('users.unlock', flags.demo === true, () => ({ email }));
}

/** Removes every MFA method, the backup codes and trusted devices, and revokes every session. */
export function usersResetMfa(email: string, flags: UsersFlags = {}): Promise<number> {
  return runUsers('users.reset-mfa', flags.demo === true, () => ({ email }));
}

/** Clears the user's stored IdP subject so the next login binds again; revokes every session. */
export function usersResetIdpBinding(email: string, flags: UsersFlags = {}): Promise<number> {
  return runUsers('users.reset-idp-binding', flags.demo === true, () => ({ email }));
}
