import type { Migration } from './index.js';

// API tokens (access-control.md §7): only the SHA-256 of the secret is stored; the public uid names
// the token in URLs, audit events and approvals. Deleting a user deletes their tokens.
export const m0004ApiTokens: Migration = {
  id: '0004_api_tokens',
  sql: `
CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uid uuid NOT NULL UNIQUE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 150),
  token_hash text NOT NULL UNIQUE CHECK (char_length(token_hash) = 64),
  owner_user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  permissions text[] NOT NULL CHECK (cardinality(permissions) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  last_used_at timestamptz,
  last_used_ip text
);
CREATE UNIQUE INDEX api_tokens_name_key ON api_tokens (name);
CREATE INDEX api_tokens_owner_idx ON api_tokens (owner_user_id);
`,
};
