// The head witness of the audit chain (audit.md §2.1, issue 10 finding 2): `audit.chain_head` holds
// each chain's last seq and event_hash. Only triggers write it: creating the chain records seq 0
// with the genesis hash, and every inserted event must extend the witness by exactly one (seq + 1,
// previous_hash = the witness hash) and moves it forward. The trigger functions are SECURITY
// DEFINER, so once the audit schema belongs to rgw_audit_owner (db/audit-roles.ts) the runtime role,
// which may only SELECT the witness, cannot move it backwards; deleting the newest events (or all
// of them) leaves the witness ahead of the events, which start-up and `audit verify` detect.
import type { Migration } from './index.js';

export const m0007AuditHead: Migration = {
  id: '0007_audit_head',
  sql: `
CREATE TABLE audit.chain_head (
  chain_id text PRIMARY KEY REFERENCES audit.chain (chain_id),
  seq bigint NOT NULL CHECK (seq >= 0),
  event_hash bytea NOT NULL CHECK (octet_length(event_hash) = 32),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO audit.chain_head (chain_id, seq, event_hash)
SELECT c.chain_id, coalesce(e.seq, 0), coalesce(e.event_hash, c.genesis_hash)
FROM audit.chain c
LEFT JOIN LATERAL (
  SELECT x.seq, x.event_hash FROM audit.audit_event x
  WHERE x.chain_id = c.chain_id ORDER BY x.seq DESC LIMIT 1
) e ON true;

CREATE FUNCTION audit.start_head() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.genesis_hash <> sha256(convert_to('RGW-AUDIT-GENESIS-1' || NEW.chain_id, 'UTF8')) THEN
    RAISE EXCEPTION 'audit chain % does not carry its genesis hash', NEW.chain_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  INSERT INTO audit.chain_head (chain_id, seq, event_hash) VALUES (NEW.chain_id, 0, NEW.genesis_hash);
  RETURN NEW;
END
$$;
CREATE TRIGGER chain_starts_head AFTER INSERT ON audit.chain
  FOR EACH ROW EXECUTE FUNCTION audit.start_head();

CREATE FUNCTION audit.advance_head() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
BEGIN
  SELECT h.seq, h.event_hash INTO head_seq, head_hash
    FROM audit.chain_head h WHERE h.chain_id = NEW.chain_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit chain % has no head witness: refusing to append', NEW.chain_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.seq <> head_seq + 1 OR NEW.previous_hash <> head_hash THEN
    RAISE EXCEPTION 'audit chain % head witness is at seq %; seq % does not extend it (were events deleted?)',
      NEW.chain_id, head_seq, NEW.seq USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  UPDATE audit.chain_head SET seq = NEW.seq, event_hash = NEW.event_hash, updated_at = now()
    WHERE chain_id = NEW.chain_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_advances_head BEFORE INSERT ON audit.audit_event
  FOR EACH ROW EXECUTE FUNCTION audit.advance_head();

CREATE FUNCTION audit.chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.chain_id = OLD.chain_id AND NEW.seq = OLD.seq + 1 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit chain head only moves forward, one event at a time'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER chain_head_forward_only BEFORE UPDATE OR DELETE ON audit.chain_head
  FOR EACH ROW EXECUTE FUNCTION audit.chain_head_guard();
CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON audit.chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
`,
};
