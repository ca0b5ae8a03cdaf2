// Audit queries at volume (issue 16): every index on `audit.audit_event` costs each event's insert,
// so the event table keeps only what its own queries use — (chain_id, seq) for the writer, verify,
// exports and raw pages, ts for time bounds, the user for self-scoped pages, the trigram index for
// search — plus sparse partial indexes that hold only the few events they serve (mutation outcomes
// naming their attempt, exec sessions, approvals, the created-by actions). The filters of the
// grouped list (token, approval, search) are indexed on the derived view instead, and stats read
// `audit.event_count`, counters the writer maintains in the batch transaction (backfilled here
// from the existing events). Search uses pg_trgm, a trusted extension of PostgreSQL and bundled
// with PGlite (db/pglite-extensions.ts loads it).
import type { Migration } from './index.js';

/** What the search filter reads, exactly as audit/query/filters.ts SEARCH_TEXT writes it. */
const SEARCH_TEXT = `(user_email || ' ' || user_name || ' ' || api_token_name || ' ' || action || ' ' || resource || ' ' || command || ' ' || details || ' ' || user_agent || ' ' || ip_address)`;

export const m0008AuditQueries: Migration = {
  id: '0008_audit_queries',
  sql: `
DO $rgw$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'rack-gateway needs the pg_trgm extension (audit search) and role % may not create it', current_user
      USING HINT = 'As a superuser, run CREATE EXTENSION pg_trgm; in this database (or GRANT CREATE ON DATABASE to the migration role), then migrate again.';
  WHEN feature_not_supported THEN
    RAISE EXCEPTION 'rack-gateway needs the pg_trgm extension (audit search), which this PostgreSQL server does not have'
      USING HINT = 'Install the PostgreSQL contrib modules on the server (the postgresql-contrib package; managed services such as RDS ship them), then migrate again.';
END
$rgw$;

DROP INDEX audit.audit_event_user_ts;
DROP INDEX audit.audit_event_action_type;
DROP INDEX audit.audit_event_status;
DROP INDEX audit.audit_event_resource_type;
DROP INDEX audit.audit_event_api_token;
DROP INDEX audit.audit_event_approval_ts;
DROP INDEX audit.audit_event_request;
DROP INDEX audit.audit_event_terminal;

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

CREATE INDEX aggregated_token ON audit.audit_event_aggregated (api_token_id, last_seq DESC)
  WHERE api_token_id IS NOT NULL;
CREATE INDEX aggregated_approval ON audit.audit_event_aggregated (deploy_approval_id, last_seq DESC)
  WHERE deploy_approval_id IS NOT NULL;
CREATE INDEX aggregated_search ON audit.audit_event_aggregated USING gin (${SEARCH_TEXT} gin_trgm_ops);

CREATE TABLE audit.event_count (
  chain_id text NOT NULL,
  span_min integer NOT NULL CHECK (span_min IN (1, 60, 1440)),
  bucket bigint NOT NULL,
  user_key text NOT NULL,
  status text NOT NULL,
  action text NOT NULL,
  action_type text NOT NULL,
  resource_type text NOT NULL,
  events bigint NOT NULL,
  sum_response_ms bigint NOT NULL,
  PRIMARY KEY (chain_id, span_min, bucket, user_key, status, action, action_type, resource_type)
);

INSERT INTO audit.event_count (chain_id, span_min, bucket, user_key, status, action, action_type,
  resource_type, events, sum_response_ms)
SELECT e.chain_id, s.span, (floor(extract(epoch FROM e.ts) / 60)::bigint / s.span) * s.span,
  lower(e.user_email), e.status, e.action, e.action_type, e.resource_type, count(*),
  sum(e.response_time_ms)
FROM audit.audit_event e CROSS JOIN unnest(ARRAY[1, 60, 1440]) AS s(span)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
`,
};
