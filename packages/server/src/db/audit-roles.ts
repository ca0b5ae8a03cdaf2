// The audit role split (audit.md §2.1, issue 10 finding 2), applied after every migration run so
// it also covers upgrades, tables added later and a runtime role that changed:
//   rgw_audit_owner  (NOLOGIN) owns the schema `audit`, its tables, triggers and functions;
//   rgw_audit_writer (NOLOGIN) what the gateway needs: SELECT everywhere, INSERT on the logs, UPDATE
//                    and DELETE only where the triggers allow them (terminal sessions close once,
//                    frames past retention, the derived view, cursors and verify runs), and nothing
//                    on audit.chain_head, which only the owner's SECURITY DEFINER triggers write;
//   rgw_audit_reader (NOLOGIN) SELECT only, for `audit verify` and auditors.
// The runtime role (DATABASE_URL's, passed in as rgw.runtime_role) is made a member of
// rgw_audit_writer and, when migrations run as another role (DATABASE_MIGRATION_URL), gets the
// ordinary privileges on the gateway's own tables. A migration role that is the runtime role itself
// only borrows rgw_audit_owner for the hand-over. The script needs a superuser or a CREATEROLE role;
// otherwise it changes nothing and says so (docs/audit.md gives it verbatim for a superuser).
import type { SqlRunner } from './database.js';

export const AUDIT_ROLES_SQL = `DO $rgw$
DECLARE
  me text := current_user;
  runtime text := coalesce(nullif(current_setting('rgw.runtime_role', true), ''), current_user);
  privileged boolean;
  borrowed boolean := false;
  r text;
  obj record;
BEGIN
  SELECT rolsuper OR rolcreaterole INTO privileged FROM pg_roles WHERE rolname = me;
  IF NOT privileged THEN
    RAISE WARNING 'rack-gateway: role % may not create roles, so the audit schema stays owned by it; run the SQL of docs/audit.md (database roles) as a superuser', me;
    RETURN;
  END IF;
  FOREACH r IN ARRAY ARRAY['rgw_audit_owner', 'rgw_audit_writer', 'rgw_audit_reader'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database on this server created it at the same moment
      END;
    END IF;
  END LOOP;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = me) THEN
    BEGIN
      EXECUTE format('GRANT rgw_audit_owner TO %I', me);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'rack-gateway: role % may not act as rgw_audit_owner, so the audit schema keeps its owner; run the SQL of docs/audit.md (database roles) as a superuser', me;
      RETURN;
    END;
    borrowed := me = runtime;
  END IF;
  IF (SELECT nspowner <> 'rgw_audit_owner'::regrole FROM pg_namespace WHERE nspname = 'audit') THEN
    ALTER SCHEMA audit OWNER TO rgw_audit_owner;
  END IF;
  FOR obj IN SELECT c.oid::regclass::text AS name FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'audit' AND c.relkind IN ('r', 'p') AND c.relowner <> 'rgw_audit_owner'::regrole LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO rgw_audit_owner', obj.name);
  END LOOP;
  FOR obj IN SELECT p.oid::regprocedure::text AS name FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'audit' AND p.proowner <> 'rgw_audit_owner'::regrole LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO rgw_audit_owner', obj.name);
  END LOOP;
  REVOKE ALL ON SCHEMA audit FROM PUBLIC;
  REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM PUBLIC, rgw_audit_writer, rgw_audit_reader;
  GRANT USAGE ON SCHEMA audit TO rgw_audit_writer, rgw_audit_reader;
  GRANT SELECT ON ALL TABLES IN SCHEMA audit TO rgw_audit_writer, rgw_audit_reader;
  GRANT INSERT ON audit.chain, audit.audit_event, audit.anchor, audit.terminal_session,
    audit.terminal_frame, audit.audit_event_aggregated, audit.webhook_cursor, audit.verify_run
    TO rgw_audit_writer;
  GRANT UPDATE ON audit.terminal_session, audit.audit_event_aggregated, audit.webhook_cursor,
    audit.verify_run TO rgw_audit_writer;
  GRANT DELETE ON audit.terminal_frame, audit.audit_event_aggregated TO rgw_audit_writer;
  IF to_regclass('audit.event_count') IS NOT NULL THEN
    GRANT INSERT, UPDATE, DELETE ON audit.event_count TO rgw_audit_writer;
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = runtime) THEN
    EXECUTE format('GRANT rgw_audit_writer TO %I', runtime);
  END IF;
  IF runtime <> me THEN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', runtime);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON public.rgw_migrations FROM %I', runtime);
  END IF;
  IF borrowed THEN
    EXECUTE format('REVOKE rgw_audit_owner FROM %I', me);
  END IF;
END
$rgw$;`;

// A migration that changes audit objects must run as their owner. A migration role that is not a
// superuser borrows rgw_audit_owner for the migration's own transaction (so a failed migration
// gives it back too) and returns it at the end, unless it was a member already (a dedicated
// migration role stays one).
export const BORROW_AUDIT_OWNER_SQL = `DO $rgw$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rgw_audit_owner')
     AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'rgw_audit_owner', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT rgw_audit_owner TO %I', current_user);
      PERFORM set_config('rgw.borrowed_owner', 'on', true);
    EXCEPTION WHEN insufficient_privilege THEN
      NULL; -- the migration runs with the role's own privileges
    END;
  END IF;
END
$rgw$;`;

export const RETURN_AUDIT_OWNER_SQL = `DO $rgw$
BEGIN
  IF current_setting('rgw.borrowed_owner', true) = 'on' THEN
    EXECUTE format('REVOKE rgw_audit_owner FROM %I', current_user);
    PERFORM set_config('rgw.borrowed_owner', '', true);
  END IF;
END
$rgw$;`;

/** Applies the role split, with `runtimeRole` (DATABASE_URL's role) as the gateway's role. */
export async function secureAuditRoles(session: SqlRunner, runtimeRole: string): Promise<void> {
  await session.query(`SELECT set_config('rgw.runtime_role', $1, false)`, [runtimeRole]);
  await session.exec(AUDIT_ROLES_SQL);
}
