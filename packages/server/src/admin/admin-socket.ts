// The admin socket of `serve` (config.md §4): on the embedded database only, opened once the
// database is migrated and the audit chain is ready, so every command it runs is audited like the
// same command run directly. On PostgreSQL the `users` commands open the database themselves, from
// any machine that can reach it, so the gateway offers no socket there.
import type { AuditLog } from '../audit/audit-log.js';
import type { BootstrapStep } from '../bootstrap.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import {
  type AdminCommandHandler,
  type AdminSocketServer,
  startAdminSocketServer,
} from './admin-socket-server.js';
import { isUserCommand, runUserCommand } from './user-tasks.js';

export interface AdminSocket {
  /** A start-up step to run after migrations and the audit start-up; it never fails start-up. */
  readonly step: BootstrapStep;
  close(): Promise<void>;
}

export interface AdminSocketDeps {
  readonly config: Config;
  readonly db: Database;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The commands the socket runs: the `users` commands, on this server's database and audit log. */
export function userCommandHandler(deps: Omit<AdminSocketDeps, 'logger'>): AdminCommandHandler {
  return async (command, args) =>
    isUserCommand(command) ? runUserCommand(deps, command, args) : null;
}

export function createAdminSocket(deps: AdminSocketDeps): AdminSocket {
  const { logger } = deps;
  let server: AdminSocketServer | null = null;
  let started = false;
  const handle = userCommandHandler(deps);
  return {
    step: {
      name: 'admin socket',
      async run() {
        // Start-up retries every step after a failure; the socket is opened once.
        if (started || deps.db.kind !== 'pglite') return;
        started = true;
        const dataDir = deps.config.database.dataDir;
        const result = await startAdminSocketServer({ dataDir, handle, logger });
        if ('problem' in result) {
          logger.warn(
            { problem: result.problem },
            'admin socket not started: the users commands cannot reach this server while it runs',
          );
          return;
        }
        server = result;
        logger.info({ path: result.path }, 'admin socket listening for the users commands');
      },
    },
    async close() {
      await server?.close();
      server = null;
    },
  };
}
