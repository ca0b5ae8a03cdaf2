// The break-glass user commands (config.md §4) as plain functions over a database and an audit
// log. `rack-gateway-server users …` runs them on the database it opens itself, or, while a server
// holds the embedded database, sends them over the admin socket and the server runs the same
// functions (admin-socket.ts). Either way the events are the same: actor `system`, channel `system`.
import type { AuditLog } from '../audit/audit-log.js';
import { EXIT } from '../commands/output.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import { GatewayError } from '../http/errors.js';
import { idpBindingResetEvent, resetIdpBinding } from '../identity/users/idp-binding.js';
import { seedUsers } from '../identity/users/seed.js';
import { validEmail, validRoles } from '../identity/users/user-rules.js';
import {
  findUserByEmail,
  insertUser,
  lockUserByEmail,
  updateUser,
} from '../identity/users/user-store.js';
import type { Clock } from '../lib/clock.js';
import { clearAttempts } from '../mfa/attempts.js';
import { auditMfaReset, resetMfa } from '../mfa/mfa-reset.js';

export interface UserTaskContext {
  readonly config: Config;
  readonly db: Database;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Warnings for the operator (stderr of the command). */
  readonly warn: (message: string) => void;
}

/** What a command prints and its exit code (config.md §4: 0 ok, 1 failed, 2 usage). */
export interface CommandOutcome {
  readonly code: number;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

/** The operation failed for a reason the operator can read (exit 1). */
export class CommandFailure extends Error {}

/** Arguments that are not what the command takes (exit 2). */
class UsageFailure extends Error {}

export type SeedLists = Config['seedUsers'];

const system = { actorType: 'system', channel: 'system' } as const;

async function createUser(
  ctx: UserTaskContext,
  opts: { email: string; name: string; role: string },
): Promise<string> {
  const email = validEmail(ctx.config, opts.email);
  const roles = validRoles([opts.role]);
  if ((await findUserByEmail(ctx.db, email)) !== null)
    throw new CommandFailure(`user ${email} already exists`);
  const user = await insertUser(ctx.db, {
    email,
    name: opts.name.trim(),
    roles,
    createdByUserId: null,
    now: ctx.clock.now(),
  });
  await ctx.audit.append(
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
}

/** Applies `lists` (the ADMIN_USERS … of the invoking command's environment) once. */
async function seed(ctx: UserTaskContext, lists: SeedLists): Promise<string> {
  const result = await seedUsers({ ...ctx, config: { ...ctx.config, seedUsers: lists } });
  return `seeded: ${result.created.length} created, ${result.restored.length} admin role restored`;
}

async function unlock(ctx: UserTaskContext, rawEmail: string): Promise<string> {
  const email = rawEmail.trim().toLowerCase();
  const user = await findUserByEmail(ctx.db, email);
  if (user === null) throw new CommandFailure(`no user ${email}`);
  if (user.lockedAt === null) return `${email} is not locked`;
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await clearAttempts(tx, user.id, now);
    await updateUser(
      tx,
      user.id,
      { lockedAt: null, lockedReason: null, lockedByUserId: null },
      now,
    );
  });
  await ctx.audit.append(
    { ...system, action: 'user.unlock', status: 'success', resource: email, details: {} },
    { durable: true },
  );
  return `unlocked ${email}`;
}

/** Removes every MFA method, the backup codes and trusted devices, and revokes every session. */
async function resetUserMfa(ctx: UserTaskContext, rawEmail: string): Promise<string> {
  const email = rawEmail.trim().toLowerCase();
  const now = ctx.clock.now();
  const reset = await ctx.db.transaction(async (tx) => {
    const user = await lockUserByEmail(tx, email);
    if (user === null) throw new CommandFailure(`no user ${email}`);
    return resetMfa(tx, user, null, now);
  });
  await auditMfaReset((e) => ctx.audit.append(e, { durable: true }), system, email, reset);
  return `reset MFA of ${email}: ${reset.methodsRemoved} method(s) removed, ${reset.sessionsRevoked} session(s) revoked`;
}

/** Clears the stored (issuer, subject) so the next login binds again; revokes every session. */
async function resetUserIdpBinding(ctx: UserTaskContext, rawEmail: string): Promise<string> {
  const email = rawEmail.trim().toLowerCase();
  const now = ctx.clock.now();
  const reset = await ctx.db.transaction(async (tx) => {
    const user = await lockUserByEmail(tx, email);
    if (user === null) throw new CommandFailure(`no user ${email}`);
    return resetIdpBinding(tx, user, null, now);
  });
  await ctx.audit.append(idpBindingResetEvent(system, email, reset), { durable: true });
  return `reset the IdP binding of ${email}: ${reset.sessionsRevoked} session(s) revoked; the next login binds again`;
}

type Args = Readonly<Record<string, unknown>>;

function text(args: Args, key: string): string {
  const value = args[key];
  if (typeof value !== 'string') throw new UsageFailure(`${key} must be a string`);
  return value;
}

function seedLists(args: Args): SeedLists {
  const lists = args.lists;
  const list = (role: keyof SeedLists): string[] => {
    const value = (lists as Args | null | undefined)?.[role];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw new UsageFailure(`lists.${role} must be a list of e-mail addresses`);
    return value;
  };
  return {
    admin: list('admin'),
    deployer: list('deployer'),
    ops: list('ops'),
    viewer: list('viewer'),
  };
}

/** Every command `users` offers that writes, by the name the admin socket uses. */
export const USER_COMMANDS = {
  'users.create': (ctx: UserTaskContext, args: Args) =>
    createUser(ctx, {
      email: text(args, 'email'),
      name: text(args, 'name'),
      role: text(args, 'role'),
    }),
  'users.seed': (ctx: UserTaskContext, args: Args) => seed(ctx, seedLists(args)),
  'users.unlock': (ctx: UserTaskContext, args: Args) => unlock(ctx, text(args, 'email')),
  'users.reset-mfa': (ctx: UserTaskContext, args: Args) => resetUserMfa(ctx, text(args, 'email')),
  'users.reset-idp-binding': (ctx: UserTaskContext, args: Args) =>
    resetUserIdpBinding(ctx, text(args, 'email')),
} as const;

export type UserCommand = keyof typeof USER_COMMANDS;

export const isUserCommand = (name: string): name is UserCommand =>
  Object.hasOwn(USER_COMMANDS, name);

/** Runs `command`; failures become the exit code and the one-line `users: …` message. */
export async function runUserCommand(
  ctx: Omit<UserTaskContext, 'warn'>,
  command: UserCommand,
  args: Args,
): Promise<CommandOutcome> {
  const stderr: string[] = [];
  const warn = (message: string): void => {
    stderr.push(message);
  };
  try {
    const line = await USER_COMMANDS[command]({ ...ctx, warn }, args);
    return { code: EXIT.ok, stdout: [line], stderr };
  } catch (e) {
    stderr.push(`users: ${(e as Error).message}`);
    const usage = e instanceof GatewayError || e instanceof UsageFailure;
    return { code: usage ? EXIT.usage : EXIT.failed, stdout: [], stderr };
  }
}
