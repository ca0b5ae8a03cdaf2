import type { Migration } from './index.js';

export const m0001Foundation: Migration = {
  id: '0001_foundation',
  sql: `
CREATE TABLE gateway_meta (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
