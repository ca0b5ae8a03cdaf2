// Applies the SQL migrations in order under a global advisory lock, one transaction per migration,
// recording each in the `rgw_migrations` ledger. Two replicas starting together migrate once:
// the second waits for the lock, then finds nothing pending. Every run ends by (re)applying the
// audit role split (audit-roles.ts), so upgrades and tables added later are covered too.
import { createHash } from 'node:crypto';
import { BORROW_AUDIT_OWNER_SQL, RETURN_AUDIT_OWNER_SQL, secureAuditRoles } from './audit-roles.js';
import type { SqlRunner } from './database.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** Key of the session-level advisory lock held while migrating. */
export const MIGRATION_LOCK_KEY = 'rgw:migrate';

export interface MigrationStatus {
  readonly applied: readonly { id: string; appliedAt: Date }[];
  readonly pending: readonly string[];
}

/** A connection that keeps session state (advisory locks) between calls. */
export interface MigrationSession extends SqlRunner {
  /** The role the gateway runs as (DATABASE_URL's); absent = the session's own role. */
  readonly runtimeRole?: string;
  release(): Promise<void>;
}

const checksum = (m: Migration): string => createHash('sha256').update(m.sql).digest('hex');

async function ensureLedger(db: SqlRunner): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS rgw_migrations (
    id text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function appliedRows(
  db: SqlRunner,
): Promise<{ id: string; checksum: string; applied_at: Date }[]> {
  return db.query<{ id: string; checksum: string; applied_at: Date }>(
    'SELECT id, checksum, applied_at FROM rgw_migrations ORDER BY id',
  );
}

function assertUnchanged(
  rows: readonly { id: string; checksum: string }[],
  migrations: readonly Migration[],
): void {
  for (const row of rows) {
    const m = migrations.find((x) => x.id === row.id);
    if (m === undefined) {
      throw new Error(
        `database has migration ${row.id}, which this version does not know; upgrade rack-gateway`,
      );
    }
    if (checksum(m) !== row.checksum) {
      throw new Error(
        `migration ${row.id} was changed after it was applied; restore its original text`,
      );
    }
  }
}

export async function migrationStatus(
  db: SqlRunner,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus> {
  await ensureLedger(db);
  const rows = await appliedRows(db);
  const done = new Set(rows.map((r) => r.id));
  return {
    applied: rows.map((r) => ({ id: r.id, appliedAt: r.applied_at })),
    pending: migrations.filter((m) => !done.has(m.id)).map((m) => m.id),
  };
}

async function inTransaction(
  session: SqlRunner,
  what: string,
  fn: () => Promise<void>,
): Promise<void> {
  await session.query('BEGIN');
  try {
    await fn();
    await session.query('COMMIT');
  } catch (err) {
    await session.query('ROLLBACK');
    throw new Error(`${what} failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Runs `fn` in one transaction of the migration session as the audit schema's owner (borrowing
 * rgw_audit_owner as a migration does), for maintenance only the owner may do: archiving.
 */
export function asAuditOwner(session: SqlRunner, what: string, fn: () => Promise<void>) {
  return inTransaction(session, what, async () => {
    await session.exec(BORROW_AUDIT_OWNER_SQL);
    await fn();
    await session.exec(RETURN_AUDIT_OWNER_SQL);
  });
}

export async function migrate(
  session: MigrationSession,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  await session.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK_KEY]);
  try {
    await ensureLedger(session);
    const rows = await appliedRows(session);
    assertUnchanged(rows, migrations);
    const done = new Set(rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await inTransaction(session, `migration ${m.id}`, async () => {
        await session.exec(BORROW_AUDIT_OWNER_SQL);
        await session.exec(m.sql);
        await session.exec(RETURN_AUDIT_OWNER_SQL);
        await session.query('INSERT INTO rgw_migrations (id, checksum) VALUES ($1, $2)', [
          m.id,
          checksum(m),
        ]);
      });
      applied.push(m.id);
    }
    await inTransaction(session, 'audit roles', () =>
      secureAuditRoles(session, session.runtimeRole ?? ''),
    );
    return applied;
  } finally {
    await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK_KEY]);
  }
}
