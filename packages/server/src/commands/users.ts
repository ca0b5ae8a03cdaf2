// `rack-gateway-server users create | seed | unlock | reset-mfa` (config.md §4): break-glass user
// management
// without the HTTP server. Changes are audited as actor `system` through the audit chain writer.

import type { AuditLog } from '../audit/audit-log.js';
import { createAuditService } from '../audit/audit-service.js';
import { checkChainId } from '../audit/chain/chain-setup.js';
import type { Config } from '../config/types.js';
import { openDatabase } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { GatewayError } from '../http/errors.js';
import { seedUsers } from '../identity/users/seed.js';
import { validEmail, validRoles } from '../identity/users/user-rules.js';
import {
  findUserByEmail,
  insertUser,
  lockUserByEmail,
  updateUser,
} from '../identity/users/user-store.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../logging/logger.js';
import { clearAttempts } from '../mfa/attempts.js';
import { auditMfaReset, resetMfa } from '../mfa/mfa-reset.js';
import { loadOrExit } from './load.js';
import { EXIT, err, out } from './output.js';

interface Context {
  readonly config: Config;
  readonly db: Database;
  readonly audit: AuditLog;
}

class CommandFailure extends Error {}

async function withUsers(task: (ctx: Context) => Promise<string>): Promise<number> {
  const { config } = loadOrExit();
  const logger = createLogger({
    ...config,
    logging: { ...config.logging, format: 'json', level: 'warn' },
  });
  const opened = await openDatabase(config, logger);
  const service = createAuditService({ config, db: opened.db, logger });
  try {
    const session = await opened.openMigrationSession();
    await migrate(session).finally(() => session.release());
    await checkChainId(opened.db, config.audit.chainId);
    out(await task({ config, db: opened.db, audit: service.log }));
    return EXIT.ok;
  } catch (e) {
    err(`users: ${(e as Error).message}`);
    return e instanceof GatewayError ? EXIT.usage : EXIT.failed;
  } finally {
    await service.close();
    await opened.db.close().catch(() => undefined);
  }
}

const system = { actorType: 'system', channel: 'system' } as const;

export function usersCreate(opts: { email: string; name: string; role: string }): Promise<number> {
  return withUsers(async ({ config, db, audit }) => {
    const email = validEmail(config, opts.email);
    const roles = validRoles([opts.role]);
    if ((await findUserByEmail(db, email)) !== null)
      throw new CommandFailure(`user ${email} already exists`);
    const now = systemClock.now();
    const user = await insertUser(db, {
      email,
      name: opts.name.trim(),
      roles,
      createdByUserId: null,
      now,
    });
    await audit.append(
      {
        ...system,
        action: 'user.create',
        status: 'success',
        resource: email,
        details: { email, name: user.name, roles },
      },
      { durable: true },
    );
    return `created ${email} (${roles.join(', ')})`;
  });
}

export function usersSeed(): Promise<number> {
  return withUsers(async ({ config, db, audit }) => {
    const result = await seedUsers({ config, db, audit, clock: systemClock, warn: (m) => err(m) });
    return `seeded: ${result.created.length} created, ${result.restored.length} admin role restored`;
  });
}

export function usersUnlock(rawEmail: string): Promise<number> {
  return withUsers(async ({ db, audit }) => {
    const email = rawEmail.trim().toLowerCase();
    const user = await findUserByEmail(db, email);
    if (user === null) throw new CommandFailure(`no user ${email}`);
    if (user.lockedAt === null) return `${email} is not locked`;
    const now = systemClock.now();
    await db.transaction(async (tx) => {
      await clearAttempts(tx, user.id, now);
      await updateUser(
        tx,
        user.id,
        { lockedAt: null, lockedReason: null, lockedByUserId: null },
        now,
      );
    });
    await audit.append(
      { ...system, action: 'user.unlock', status: 'success', resource: email, details: {} },
      { durable: true },
    );
    return `unlocked ${email}`;
  });
}

/** Removes every MFA method, the backup codes and trusted devices, and revokes every session. */
export function usersResetMfa(rawEmail: string): Promise<number> {
  return withUsers(async ({ db, audit }) => {
    const email = rawEmail.trim().toLowerCase();
    const now = systemClock.now();
    const reset = await db.transaction(async (tx) => {
      const user = await lockUserByEmail(tx, email);
      if (user === null) throw new CommandFailure(`no user ${email}`);
      return resetMfa(tx, user, null, now);
    });
    await auditMfaReset((e) => audit.append(e, { durable: true }), system, email, reset);
    return `reset MFA of ${email}: ${reset.methodsRemoved} method(s) removed, ${reset.sessionsRevoked} session(s) revoked`;
  });
}
