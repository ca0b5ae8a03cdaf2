// User administration, part 1 (identity.md §5): create, update (e-mail, name, roles,
// suspension) and rename. Changes that alter who a user is or may do revoke every session of the
// user in the same transaction; each change is audited durably after it commits.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendDurable, eventFor } from '../../access/request-audit.js';
import type { UserRole } from '../../access/roles.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Config } from '../../config/types.js';
import type { Database, NotifyingRunner, SqlRunner } from '../../db/database.js';
import { ConflictError, NotFoundError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { type RevocationReason, revokeUserSessions } from '../sessions/session-store.js';
import { keepAnAdmin, notSelf, sameRoles, validEmail, validRoles } from './user-rules.js';
import {
  findUserByEmail,
  insertUser,
  lockUserByEmail,
  type UserChanges,
  type UserRecord,
  updateUser,
} from './user-store.js';

export interface AdminDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
}

export const actorId = (request: FastifyRequest): number => request.principal?.user.id ?? -1;

/** Appends a successful user-administration event (durable: the change already committed). */
export function recordUserEvent(
  deps: AdminDeps,
  request: FastifyRequest,
  action:
    | 'user.create'
    | 'user.update'
    | 'user.roles.update'
    | 'user.delete'
    | 'user.lock'
    | 'user.unlock',
  email: string,
  details: Record<string, unknown>,
): Promise<void> {
  return appendDurable(
    deps.audit,
    eventFor(request, { action, status: 'success', resource: email, details }),
  );
}

/** The `:email` path parameter of the user routes. */
export const EmailParams = Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }) });

export async function targetUser(tx: SqlRunner, email: string): Promise<UserRecord> {
  const user = await lockUserByEmail(tx, email);
  if (user === null) throw new NotFoundError('user_not_found', `No user ${email.toLowerCase()}.`);
  return user;
}

/**
 * In one transaction: locks the user of the request's `:email`, refuses the caller themself (403
 * `self_action_forbidden`, "… <verb> yourself"), then runs `act` on that user.
 */
export function actOnOtherUser<T>(
  db: Database,
  request: FastifyRequest,
  verb: string,
  act: (tx: NotifyingRunner, target: UserRecord) => Promise<T>,
): Promise<{ target: UserRecord; result: T }> {
  const { email } = request.params as { email: string };
  return db.transaction(async (tx) => {
    const target = await targetUser(tx, email);
    notSelf(actorId(request), target, verb);
    return { target, result: await act(tx, target) };
  });
}

export async function revokeForUser(
  tx: NotifyingRunner,
  user: UserRecord,
  reason: RevocationReason,
  byUserId: number,
  now: Date,
): Promise<number> {
  return revokeUserSessions(tx, user, { reason, byUserId, now, announce: 'user' });
}

export async function createUser(
  deps: AdminDeps,
  request: FastifyRequest,
  input: { email: string; name: string; roles: readonly string[] },
): Promise<UserRecord> {
  const email = validEmail(deps.config, input.email);
  const roles = validRoles(input.roles);
  const now = deps.clock.now();
  const user = await deps.db.transaction(async (tx) => {
    if ((await findUserByEmail(tx, email)) !== null)
      throw new ConflictError('user_exists', `A user ${email} already exists.`);
    return insertUser(tx, {
      email,
      name: input.name.trim(),
      roles,
      createdByUserId: actorId(request),
      now,
    });
  });
  await recordUserEvent(deps, request, 'user.create', email, { email, name: user.name, roles });
  return user;
}

export interface UpdateInput {
  readonly email?: string;
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly suspended?: boolean;
}

interface Planned {
  readonly changes: UserChanges;
  readonly revoke: RevocationReason | null;
  readonly audit: Record<string, { old: unknown; new: unknown }>;
  readonly roles: readonly UserRole[] | null;
}

async function planUpdate(
  deps: AdminDeps,
  tx: SqlRunner,
  request: FastifyRequest,
  target: UserRecord,
  input: UpdateInput,
): Promise<Planned> {
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
  const audit: Record<string, { old: unknown; new: unknown }> = {};
  let revoke: RevocationReason | null = null;
  let roles: readonly UserRole[] | null = null;
  if (input.roles !== undefined && !sameRoles(validRoles(input.roles), target.roles)) {
    notSelf(actorId(request), target, 'change the roles of');
    roles = validRoles(input.roles);
    await keepAnAdmin(tx, target, roles.includes('admin'));
    changes.roles = roles;
    revoke = 'role_changed';
  }
  if (input.suspended !== undefined && input.suspended !== (target.suspendedAt !== null)) {
    if (input.suspended) {
      notSelf(actorId(request), target, 'suspend');
      await keepAnAdmin(tx, target, false);
      revoke = 'user_suspended';
    }
    changes.suspendedAt = input.suspended ? deps.clock.now() : null;
    audit.suspended = { old: !input.suspended, new: input.suspended };
  }
  if (input.email !== undefined && validEmail(deps.config, input.email) !== target.email) {
    const email = validEmail(deps.config, input.email);
    if ((await findUserByEmail(tx, email)) !== null)
      throw new ConflictError('user_exists', `A user ${email} already exists.`);
    Object.assign(changes, { email, oidcIssuer: null, oidcSubject: null });
    audit.email = { old: target.email, new: email };
    revoke ??= 'email_changed';
  }
  if (input.name !== undefined && input.name.trim() !== target.name) {
    changes.name = input.name.trim();
    audit.name = { old: target.name, new: changes.name };
  }
  return { changes, revoke, audit, roles };
}

export async function updateUserAsAdmin(
  deps: AdminDeps,
  request: FastifyRequest,
  email: string,
  input: UpdateInput,
): Promise<UserRecord> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const target = await targetUser(tx, email);
    const plan = await planUpdate(deps, tx, request, target, input);
    const updated =
      Object.keys(plan.changes).length > 0
        ? await updateUser(tx, target.id, plan.changes, now)
        : target;
    const revoked = plan.revoke
      ? await revokeForUser(tx, target, plan.revoke, actorId(request), now)
      : 0;
    return { target, updated, plan, revoked };
  });
  const { target, updated, plan, revoked } = result;
  if (Object.keys(plan.audit).length > 0 || plan.roles === null) {
    await recordUserEvent(deps, request, 'user.update', updated.email, {
      changes: plan.audit,
      ...(revoked > 0 ? { sessions_revoked: revoked } : {}),
    });
  }
  if (plan.roles !== null) {
    await recordUserEvent(deps, request, 'user.roles.update', updated.email, {
      old: [...target.roles],
      new: [...plan.roles],
      sessions_revoked: revoked,
    });
  }
  return updated;
}

export async function renameUser(
  deps: AdminDeps,
  request: FastifyRequest,
  email: string,
  name: string,
): Promise<UserRecord> {
  const now = deps.clock.now();
  const { target, updated } = await deps.db.transaction(async (tx) => {
    const t = await targetUser(tx, email);
    return { target: t, updated: await updateUser(tx, t.id, { name: name.trim() }, now) };
  });
  await recordUserEvent(deps, request, 'user.update', updated.email, {
    changes: { name: { old: target.name, new: updated.name } },
  });
  return updated;
}
