// A year of a busy rack (issue 16, audit.md §2.2): `audit.audit_event` becomes a table partitioned
// by ranges of seq. Seq grows with time, so each partition is a span of time, and an old one can be
// archived to the anchor bucket and dropped as a whole (audit/archive/) instead of deleting rows,
// which the append-only triggers forbid. Partitions are created ahead of the head by
// `audit.extend_partitions` (SECURITY DEFINER, so the runtime role never needs CREATE on the
// schema), which the chain writer calls in its batch transaction once the head passes the middle of
// the last partition; `audit.event_partition` records them.
//
// Partitioning costs two things the unpartitioned table had: a storage id (identity columns on
// partitioned tables need PostgreSQL 17) and a UNIQUE event_id (a unique index on a partitioned
// table must contain the partition key). Neither was read by any query; (chain_id, seq) stays the
// primary key, and the event id stays inside every event's HMAC.
//
// The head witness trigger becomes one statement-level trigger over the inserted rows: the
// per-row trigger updated the witness row once per event, and in a batch of 2,000 events each
// update walked the growing chain of that row's versions (5 s for 20,000 rows, against 0.16 s
// without it). It checks the same things per batch: the rows of each chain are contiguous, the
// first extends the witness, each links to the one before, and the witness moves to the last.
import type { Migration } from './index.js';

const SEARCH_TEXT = `(user_email || ' ' || user_name || ' ' || api_token_name || ' ' || action || ' ' || resource || ' ' || command || ' ' || details || ' ' || user_agent || ' ' || ip_address)`;

const COLUMNS = `chain_id, seq, key_id, previous_hash, ts, occurred_at, event_id, actor_type, user_id,
  user_email, user_name, api_token_id, api_token_name, session_id, channel, action_type, action,
  resource, resource_type, status, rbac_decision, http_status, response_time_ms, ip_address,
  user_agent, request_id, deploy_approval_id, terminal_session_id, command, details, event_hash`;

export const m0009AuditPartitions: Migration = {
  id: '0009_audit_partitions',
  sql: `
ALTER TABLE audit.audit_event RENAME TO audit_event_unpartitioned;
DO $rgw$
DECLARE
  i record;
BEGIN
  FOR i IN SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = 'audit.audit_event_unpartitioned'::regclass LOOP
    EXECUTE format('ALTER INDEX audit.%I RENAME TO %I', i.relname, 'unpartitioned_' || i.relname);
  END LOOP;
END
$rgw$;

CREATE TABLE audit.audit_event (
  chain_id text NOT NULL REFERENCES audit.chain (chain_id),
  seq bigint NOT NULL CHECK (seq >= 1),
  key_id text NOT NULL CHECK (key_id ~ '^[A-Za-z0-9._-]{1,32}$'),
  previous_hash bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
  ts timestamptz NOT NULL,
  occurred_at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  actor_type text NOT NULL,
  user_id uuid,
  user_email text NOT NULL,
  user_name text NOT NULL,
  api_token_id uuid,
  api_token_name text NOT NULL,
  session_id uuid,
  channel text NOT NULL,
  action_type text NOT NULL,
  action text NOT NULL,
  resource text NOT NULL,
  resource_type text NOT NULL,
  status text NOT NULL,
  rbac_decision text NOT NULL,
  http_status integer,
  response_time_ms integer NOT NULL,
  ip_address text NOT NULL,
  user_agent text NOT NULL,
  request_id text NOT NULL,
  deploy_approval_id uuid,
  terminal_session_id uuid,
  command text NOT NULL,
  details text NOT NULL,
  event_hash bytea NOT NULL CHECK (octet_length(event_hash) = 32),
  PRIMARY KEY (chain_id, seq)
) PARTITION BY RANGE (seq);

CREATE TABLE audit.event_partition (
  name text PRIMARY KEY,
  from_seq bigint NOT NULL UNIQUE CHECK (from_seq >= 1),
  to_seq bigint NOT NULL CHECK (to_seq > from_seq),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION audit.extend_partitions(upto bigint, span bigint) RETURNS bigint LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  top bigint;
  part text;
BEGIN
  IF span IS NULL OR span < 100 OR span > 1000000000 THEN
    RAISE EXCEPTION 'audit partition span % is outside 100..1000000000', span
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('rgw-audit-partitions', 0));
  SELECT coalesce(max(p.to_seq), 1) INTO top FROM audit.event_partition p;
  WHILE top <= upto LOOP
    part := 'audit_event_' || lpad(top::text, 13, '0');
    EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.audit_event FOR VALUES FROM (%s) TO (%s)',
      part, top, top + span);
    EXECUTE format('CREATE TRIGGER partition_no_truncate BEFORE TRUNCATE ON audit.%I
      FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change()', part);
    INSERT INTO audit.event_partition (name, from_seq, to_seq) VALUES (part, top, top + span);
    top := top + span;
  END LOOP;
  RETURN top;
END
$$;

SELECT audit.extend_partitions(
  (SELECT coalesce(max(seq), 0) FROM audit.audit_event_unpartitioned) + 5000000, 10000000);

INSERT INTO audit.audit_event (${COLUMNS})
SELECT ${COLUMNS} FROM audit.audit_event_unpartitioned ORDER BY chain_id, seq;

DROP TABLE audit.audit_event_unpartitioned;
DROP FUNCTION audit.advance_head();

CREATE INDEX audit_event_ts ON audit.audit_event (ts);
CREATE INDEX audit_event_user_lower ON audit.audit_event (lower(user_email), seq);
CREATE INDEX audit_event_outcome ON audit.audit_event (chain_id, request_id)
  WHERE status <> 'attempt' AND details LIKE '%"attempt_seq"%';
CREATE INDEX audit_event_terminal ON audit.audit_event (terminal_session_id, seq)
  WHERE terminal_session_id IS NOT NULL;
CREATE INDEX audit_event_approval ON audit.audit_event (deploy_approval_id, seq)
  WHERE deploy_approval_id IS NOT NULL;
CREATE INDEX audit_event_created ON audit.audit_event (chain_id, seq)
  WHERE status = 'success' AND action IN ('app.create', 'build.create', 'build.import',
    'release.create', 'env.set', 'env.unset', 'secret.set', 'secret.unset');
CREATE INDEX audit_event_search ON audit.audit_event USING gin (${SEARCH_TEXT} gin_trgm_ops);

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit.audit_event
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit.audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

CREATE FUNCTION audit.advance_head_batch() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  b record;
  head_seq bigint;
  head_hash bytea;
  broken boolean;
BEGIN
  FOR b IN SELECT n.chain_id, min(n.seq) AS lo, max(n.seq) AS hi, count(*) AS rows,
        (array_agg(n.event_hash ORDER BY n.seq DESC))[1] AS last_hash
      FROM new_events n GROUP BY n.chain_id LOOP
    SELECT h.seq, h.event_hash INTO head_seq, head_hash
      FROM audit.chain_head h WHERE h.chain_id = b.chain_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit chain % has no head witness: refusing to append', b.chain_id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- One sort of the batch, not a join of the transition table with itself (which has no
    -- statistics, and was planned as a nested loop: quadratic in the batch size).
    SELECT bool_or(x.previous_hash IS DISTINCT FROM coalesce(x.link, head_hash)) INTO broken
      FROM (SELECT n.previous_hash, lag(n.event_hash) OVER (ORDER BY n.seq) AS link
            FROM new_events n WHERE n.chain_id = b.chain_id) x;
    IF b.lo <> head_seq + 1 OR b.rows <> b.hi - b.lo + 1 OR broken THEN
      RAISE EXCEPTION 'audit chain % head witness is at seq %; seq % does not extend it (were events deleted?)',
        b.chain_id, head_seq, b.lo USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE audit.chain_head SET seq = b.hi, event_hash = b.last_hash, updated_at = now()
      WHERE chain_id = b.chain_id;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_event_advances_head AFTER INSERT ON audit.audit_event
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit.advance_head_batch();

CREATE OR REPLACE FUNCTION audit.chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.chain_id = OLD.chain_id AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit chain head only moves forward'
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TABLE audit.archive (
  chain_id text NOT NULL REFERENCES audit.chain (chain_id),
  first_seq bigint NOT NULL CHECK (first_seq >= 1),
  last_seq bigint NOT NULL,
  events bigint NOT NULL,
  first_ts timestamptz NOT NULL,
  last_ts timestamptz NOT NULL,
  previous_hash bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
  last_hash bytea NOT NULL CHECK (octet_length(last_hash) = 32),
  bucket text NOT NULL,
  key text NOT NULL UNIQUE,
  sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
  bytes bigint NOT NULL,
  retain_until timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, first_seq),
  CHECK (last_seq >= first_seq AND events = last_seq - first_seq + 1)
);
CREATE TRIGGER archive_append_only BEFORE UPDATE OR DELETE ON audit.archive
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER archive_no_truncate BEFORE TRUNCATE ON audit.archive
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

CREATE FUNCTION audit.drop_archived_partition(part text) RETURNS bigint LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  p record;
  uncovered bigint;
  dropped bigint;
BEGIN
  SELECT * INTO p FROM audit.event_partition WHERE name = part FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no audit partition named %', part USING ERRCODE = 'undefined_table';
  END IF;
  IF EXISTS (SELECT 1 FROM audit.chain_head h WHERE h.seq >= p.from_seq AND h.seq > 0
      AND h.seq < p.to_seq) THEN
    RAISE EXCEPTION 'audit partition % holds a chain head and stays', part
      USING ERRCODE = 'object_in_use';
  END IF;
  EXECUTE format($q$SELECT count(*) FROM audit.%I e WHERE NOT EXISTS (
      SELECT 1 FROM audit.archive a WHERE a.chain_id = e.chain_id
        AND e.seq BETWEEN a.first_seq AND a.last_seq)$q$, part) INTO uncovered;
  IF uncovered > 0 THEN
    RAISE EXCEPTION 'audit partition % holds % events that no archive covers', part, uncovered
      USING ERRCODE = 'object_in_use';
  END IF;
  EXECUTE format('SELECT count(*) FROM audit.%I', part) INTO dropped;
  EXECUTE format('ALTER TABLE audit.audit_event DETACH PARTITION audit.%I', part);
  EXECUTE format('DROP TABLE audit.%I', part);
  DELETE FROM audit.event_partition WHERE name = part;
  RETURN dropped;
END
$$;
REVOKE ALL ON FUNCTION audit.drop_archived_partition(text) FROM PUBLIC;
`,
};
