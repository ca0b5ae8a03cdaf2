import type { Migration } from './index.js';

// Multi-factor authentication (identity.md §14): methods (TOTP secrets encrypted with AES-256-GCM),
// single-use backup codes (HMAC-SHA256), used TOTP time steps (replay protection, one row per user
// and step), every verification attempt (limits that hold across replicas) and trusted devices.
// Deleting a user deletes all of it.
export const m0005Mfa: Migration = {
  id: '0005_mfa',
  sql: `
CREATE TABLE mfa_methods (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('totp', 'webauthn', 'yubiotp')),
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
  secret_encrypted text,
  started_session_id bigint REFERENCES sessions(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX mfa_methods_user_idx ON mfa_methods (user_id);

CREATE TABLE mfa_backup_codes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash text NOT NULL CHECK (char_length(code_hash) = 64),
  created_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE UNIQUE INDEX mfa_backup_codes_user_hash_key ON mfa_backup_codes (user_id, code_hash);

CREATE TABLE mfa_totp_used_steps (
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  time_step bigint NOT NULL,
  used_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, time_step)
);
CREATE INDEX mfa_totp_used_steps_used_idx ON mfa_totp_used_steps (used_at);

CREATE TABLE mfa_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  method_type text NOT NULL CHECK (method_type IN ('totp', 'webauthn', 'backup_code', 'yubiotp')),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failed', 'refused')),
  reason text,
  ip text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '' CHECK (char_length(user_agent) <= 512),
  created_at timestamptz NOT NULL,
  cleared_at timestamptz
);
CREATE INDEX mfa_attempts_user_time_idx ON mfa_attempts (user_id, created_at);

CREATE TABLE trusted_devices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (char_length(token_hash) = 64),
  user_agent_hash text NOT NULL,
  label text NOT NULL CHECK (char_length(label) <= 200),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  first_ip text NOT NULL DEFAULT '',
  last_ip text NOT NULL DEFAULT '',
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX trusted_devices_user_idx ON trusted_devices (user_id) WHERE revoked_at IS NULL;
`,
};
