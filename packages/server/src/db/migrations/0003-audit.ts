// The audit schema (audit.md §2): the HMAC-chained event log and its ledgers. Triggers make the
// chain, events and anchors append-only on PostgreSQL and PGlite alike; terminal frames may only be
// deleted once past their session's retention; a terminal session is closed exactly once.
import type { Migration } from './index.js';

export const m0003Audit: Migration = {
  id: '0003_audit',
  sql: `
CREATE SCHEMA IF NOT EXISTS audit;

CREATE FUNCTION audit.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TABLE audit.chain (
  chain_id text PRIMARY KEY CHECK (chain_id ~ '^[a-z0-9-]{1,64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  genesis_hash bytea NOT NULL CHECK (octet_length(genesis_hash) = 32)
);

CREATE TABLE audit.audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id text NOT NULL REFERENCES audit.chain (chain_id),
  seq bigint NOT NULL CHECK (seq >= 1),
  key_id text NOT NULL CHECK (key_id ~ '^[A-Za-z0-9._-]{1,32}$'),
  previous_hash bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
  ts timestamptz NOT NULL,
  occurred_at timestamptz NOT NULL,
  event_id uuid NOT NULL UNIQUE,
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
  UNIQUE (chain_id, seq)
);
CREATE INDEX audit_event_ts ON audit.audit_event (ts);
CREATE INDEX audit_event_user_ts ON audit.audit_event (user_email, ts);
CREATE INDEX audit_event_user_lower ON audit.audit_event (lower(user_email), seq);
CREATE INDEX audit_event_action_type ON audit.audit_event (action_type);
CREATE INDEX audit_event_status ON audit.audit_event (status);
CREATE INDEX audit_event_resource_type ON audit.audit_event (resource_type);
CREATE INDEX audit_event_api_token ON audit.audit_event (api_token_id);
CREATE INDEX audit_event_approval_ts ON audit.audit_event (deploy_approval_id, ts);
CREATE INDEX audit_event_request ON audit.audit_event (request_id);
CREATE INDEX audit_event_terminal ON audit.audit_event (terminal_session_id);

CREATE TABLE audit.anchor (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id text NOT NULL REFERENCES audit.chain (chain_id),
  bucket text NOT NULL,
  key text NOT NULL UNIQUE,
  seq bigint NOT NULL,
  event_hash bytea NOT NULL,
  sha256 bytea NOT NULL,
  retain_until timestamptz NOT NULL,
  trigger text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX anchor_chain_seq ON audit.anchor (chain_id, id);

CREATE TRIGGER chain_append_only BEFORE UPDATE OR DELETE ON audit.chain
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER chain_no_truncate BEFORE TRUNCATE ON audit.chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit.audit_event
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit.audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER anchor_append_only BEFORE UPDATE OR DELETE ON audit.anchor
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER anchor_no_truncate BEFORE TRUNCATE ON audit.anchor
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

CREATE TABLE audit.audit_event_aggregated (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id text NOT NULL,
  actor_key text NOT NULL,
  group_key text NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  event_count integer NOT NULL,
  min_response_ms integer NOT NULL,
  max_response_ms integer NOT NULL,
  sum_response_ms bigint NOT NULL,
  user_id uuid,
  user_email text NOT NULL,
  user_name text NOT NULL,
  api_token_id uuid,
  api_token_name text NOT NULL,
  channel text NOT NULL,
  action_type text NOT NULL,
  action text NOT NULL,
  resource text NOT NULL,
  resource_type text NOT NULL,
  status text NOT NULL,
  rbac_decision text NOT NULL,
  http_status integer,
  ip_address text NOT NULL,
  user_agent text NOT NULL,
  command text NOT NULL,
  details text NOT NULL,
  deploy_approval_id uuid,
  terminal_session_id uuid,
  exit_code integer,
  duration_ms bigint
);
CREATE INDEX aggregated_actor ON audit.audit_event_aggregated (chain_id, actor_key, last_seq DESC);
CREATE INDEX aggregated_last_seq ON audit.audit_event_aggregated (chain_id, last_seq DESC);
CREATE INDEX aggregated_user ON audit.audit_event_aggregated (lower(user_email), last_seq DESC);
CREATE INDEX aggregated_terminal ON audit.audit_event_aggregated (terminal_session_id);

CREATE TABLE audit.webhook_cursor (
  chain_id text PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit.verify_run (
  id uuid PRIMARY KEY,
  chain_id text NOT NULL,
  trigger text NOT NULL,
  state text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  from_seq bigint,
  to_seq bigint,
  result text,
  first_break_seq bigint,
  report text
);
CREATE INDEX verify_run_started ON audit.verify_run (chain_id, started_at DESC);

CREATE TABLE audit.terminal_session (
  id uuid PRIMARY KEY,
  app text NOT NULL,
  process_id text NOT NULL,
  command text NOT NULL,
  tty boolean NOT NULL,
  actor_type text NOT NULL,
  user_id uuid,
  user_email text NOT NULL,
  user_name text NOT NULL,
  api_token_id uuid,
  api_token_name text NOT NULL,
  deploy_approval_id uuid,
  started_at timestamptz NOT NULL,
  retain_until timestamptz NOT NULL,
  ended_at timestamptz,
  bytes_in bigint,
  bytes_out bigint,
  captured_bytes bigint,
  frame_count integer,
  truncated boolean,
  exit_code integer,
  close_reason text,
  capture_sha256 bytea
);

CREATE TABLE audit.terminal_frame (
  session_id uuid NOT NULL REFERENCES audit.terminal_session (id),
  idx integer NOT NULL,
  t_ms bigint NOT NULL,
  direction char(1) NOT NULL CHECK (direction IN ('i', 'o')),
  data bytea NOT NULL,
  PRIMARY KEY (session_id, idx)
);

CREATE FUNCTION audit.terminal_session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
     AND (NEW.id, NEW.app, NEW.process_id, NEW.command, NEW.user_email, NEW.started_at, NEW.retain_until)
       IS NOT DISTINCT FROM (OLD.id, OLD.app, OLD.process_id, OLD.command, OLD.user_email, OLD.started_at, OLD.retain_until) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER terminal_session_close_once BEFORE UPDATE OR DELETE ON audit.terminal_session
  FOR EACH ROW EXECUTE FUNCTION audit.terminal_session_guard();
CREATE TRIGGER terminal_session_no_truncate BEFORE TRUNCATE ON audit.terminal_session
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

CREATE FUNCTION audit.terminal_frame_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
    SELECT 1 FROM audit.terminal_session s WHERE s.id = OLD.session_id AND s.retain_until < now()
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER terminal_frame_guard BEFORE UPDATE OR DELETE ON audit.terminal_frame
  FOR EACH ROW EXECUTE FUNCTION audit.terminal_frame_guard();
CREATE TRIGGER terminal_frame_no_truncate BEFORE TRUNCATE ON audit.terminal_frame
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
`,
};
