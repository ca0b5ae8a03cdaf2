// User seeding (identity.md §5, config.md §3.5): at every start, under an advisory lock, each
// listed address becomes a user with its most privileged listed role if missing; an ADMIN_USERS
// member who lost `admin` gets it back (break-glass). Seeding never renames, demotes, removes
// roles, deletes, unlocks or unsuspends anyone. Each creation or restoration appends `user.seed`.

import type { UserRole } from '../../access/roles.js';
import type { AuditEventInput, AuditLog } from '../../audit/audit-log.js';
import type { Config } from '../../config/types.js';
import type { Database } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { findUserByEmail, insertUser, updateUser } from './user-store.js';

const DEFAULT_NAMES: Readonly<Record<UserRole, string>> = {
  admin: 'Admin User',
  deployer: 'Deployer User',
  ops: 'Ops User',
  viewer: 'Viewer User',
};
const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
const ORDER: readonly UserRole[] = ['admin', 'deployer', 'ops', 'viewer'];

export interface SeedEntry {
  readonly email: string;
  readonly role: UserRole;
}

/** Normalised, de-duplicated entries, each with its most privileged role; invalid ones reported. */
export function planSeed(lists: Config['seedUsers'], warn: (message: string) => void): SeedEntry[] {
  const byEmail = new Map<string, UserRole>();
  for (const role of ORDER) {
    for (const raw of lists[role]) {
      const email = raw.trim().toLowerCase();
      if (email === '') continue;
      if (!EMAIL.test(email) || email.length > 254) {
        warn(`seed users: skipping invalid address "${email}"`);
        continue;
      }
      if (!byEmail.has(email)) byEmail.set(email, role);
    }
  }
  return [...byEmail].map(([email, role]) => ({ email, role }));
}

export interface SeedDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly warn: (message: string) => void;
}

export async function seedUsers(
  deps: SeedDeps,
): Promise<{ created: string[]; restored: string[] }> {
  const entries = planSeed(deps.config.seedUsers, deps.warn);
  const now = deps.clock.now();
  const events: AuditEventInput[] = [];
  const result = { created: [] as string[], restored: [] as string[] };
  await deps.db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('rgw:seed-users', 0))");
    for (const { email, role } of entries) {
      const existing = await findUserByEmail(tx, email);
      let created = false;
      let restored = false;
      if (existing === null) {
        await insertUser(tx, {
          email,
          name: DEFAULT_NAMES[role],
          roles: [role],
          createdByUserId: null,
          now,
        });
        created = true;
        result.created.push(email);
      } else if (role === 'admin' && !existing.roles.includes('admin')) {
        await updateUser(tx, existing.id, { roles: [...existing.roles, 'admin'] }, now);
        restored = true;
        result.restored.push(email);
      }
      if (created || restored)
        events.push({
          action: 'user.seed',
          status: 'success',
          actorType: 'system',
          channel: 'system',
          occurredAt: now,
          resource: email,
          details: { role, created, role_restored: restored },
        });
    }
  });
  for (const event of events) await deps.audit.append(event, { durable: true });
  return result;
}
