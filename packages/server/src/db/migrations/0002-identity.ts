import type { Migration } from './index.js';

// Users, sessions, login states (identity.md §2-6) and the settings table
// (approvals-and-integrations.md §8.1). Every timestamp is written by the application clock.
export const m0002Identity: Migration = {
  id: '0002_identity',
  sql: `
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_user_id bigint REFERENCES users(id) ON DELETE SET NULL,
  last_login_at timestamptz,
  locked_at timestamptz,
  locked_reason text CHECK (char_length(locked_reason) <= 500),
  locked_by_user_id bigint REFERENCES users(id) ON DELETE SET NULL,
  suspended_at timestamptz,
  mfa_enforced_at timestamptz,
  preferred_mfa_method text CHECK (preferred_mfa_method IN ('totp', 'webauthn')),
  oidc_issuer text,
  oidc_subject text
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  channel text NOT NULL CHECK (channel IN ('web', 'cli')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  created_ip text NOT NULL DEFAULT '',
  last_ip text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '' CHECK (char_length(user_agent) <= 512),
  device_id uuid,
  device_name text,
  device_os text,
  client_version text,
  mfa_state text NOT NULL
    CHECK (mfa_state IN ('verified', 'challenge_pending', 'enrolment_required', 'not_required')),
  mfa_verified_at timestamptz,
  recent_step_up_at timestamptz,
  trusted_device_id uuid,
  revoked_at timestamptz,
  revoked_reason text,
  revoked_by_user_id bigint REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE login_states (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('web', 'cli')),
  state_hash text NOT NULL UNIQUE,
  idp_state_hash text UNIQUE,
  binding_hash text,
  nonce text,
  idp_code_verifier text,
  return_to text,
  mode text CHECK (mode IN ('loopback', 'poll')),
  code_challenge text,
  redirect_uri text,
  confirmation_code text,
  device_id uuid,
  device_name text,
  device_os text,
  client_version text,
  ip text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'authenticated', 'approved', 'denied', 'failed')),
  failure_reason text,
  user_id bigint REFERENCES users(id) ON DELETE CASCADE,
  verifier_failures integer NOT NULL DEFAULT 0,
  login_code_hash text,
  approved_at timestamptz,
  mfa_verified_at timestamptz,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz
);
CREATE INDEX login_states_expires_idx ON login_states (expires_at);

CREATE TABLE settings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_name text,
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by_user_id bigint REFERENCES users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX settings_scope_key ON settings ((coalesce(app_name, '')), key);
`,
};
