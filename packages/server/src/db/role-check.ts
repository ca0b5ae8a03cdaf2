// Can the connected role bypass the audit log's protections (audit.md §2.1)? A superuser, the owner
// of the audit tables (or a member of the owner role) can disable or drop the append-only triggers
// and rewrite the head witness; a CREATEROLE role can grant itself the owner role. Embedded PGlite
// only has a superuser session, so there the triggers and the witness are the whole protection.
// Start-up logs the warning; `audit verify` prints it and returns it in --json.
import type { Logger } from '../logging/logger.js';
import type { Database, SqlRunner } from './database.js';

export interface AuditRoleCheck {
  readonly name: string;
  readonly superuser: boolean;
  readonly owns_audit: boolean;
  readonly createrole: boolean;
  readonly embedded: boolean;
  readonly warning: string | null;
}

const SEE_DOCS = 'see docs/audit.md, "Database roles"';

function warningFor(c: Omit<AuditRoleCheck, 'warning'>): string | null {
  if (c.embedded) {
    return (
      'embedded PGlite runs every statement as a superuser: the audit tables are protected by ' +
      'their triggers and the head witness only, and whoever can run SQL as the gateway or write ' +
      `the data directory can rewrite them; only S3 anchors (AUDIT_ANCHOR_BUCKET) detect that (${SEE_DOCS})`
    );
  }
  if (c.superuser) {
    return `the database role "${c.name}" is a superuser: it can disable the append-only triggers and rewrite the audit chain and its head witness (${SEE_DOCS})`;
  }
  if (c.owns_audit) {
    return `the database role "${c.name}" owns the audit tables (or is a member of their owner): it can disable or drop the append-only triggers (${SEE_DOCS})`;
  }
  if (c.createrole) {
    return `the database role "${c.name}" has CREATEROLE: it can grant itself rgw_audit_owner and then disable the append-only triggers (${SEE_DOCS})`;
  }
  return null;
}

export async function auditRoleCheck(db: SqlRunner, embedded: boolean): Promise<AuditRoleCheck> {
  const rows = await db.query<{
    name: string;
    superuser: boolean;
    createrole: boolean;
    owns_audit: boolean;
  }>(
    `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
       EXISTS (
         SELECT 1 FROM pg_namespace n WHERE n.nspname = 'audit'
           AND (pg_has_role(current_user, n.nspowner, 'MEMBER') OR EXISTS (
             SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
               AND pg_has_role(current_user, c.relowner, 'MEMBER')))
       ) AS owns_audit
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const r = rows[0];
  const check = {
    name: r?.name ?? '',
    superuser: r?.superuser === true,
    owns_audit: r?.owns_audit === true,
    createrole: r?.createrole === true,
    embedded,
  };
  return { ...check, warning: warningFor(check) };
}

/** Logs, at start-up, that the gateway's own role could bypass the audit log's protections. */
export async function warnAboutDatabaseRole(db: Database, logger: Logger): Promise<void> {
  const check = await auditRoleCheck(db, db.kind === 'pglite');
  if (check.warning !== null) {
    logger.warn({ database_role: check.name }, `audit log: ${check.warning}`);
  }
}
