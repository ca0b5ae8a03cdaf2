// `GET /api/v1/created-by[?app=]` (access-control.md §9.2; web-ui.md §7.1 "Created By"): who made
// each app, build and release through the gateway. The gateway keeps no second record: the answer
// is read from the audit chain's successful creation events (app.create, build.create/import,
// release.create, and releases made by env changes), first creator wins.
import type { SqlRunner } from '../db/database.js';

export interface Creator {
  readonly email: string;
  readonly name: string;
  readonly api_token_name: string | null;
  readonly created_at: string;
}

export interface CreatedBy {
  readonly apps: Record<string, Creator>;
  readonly builds: Record<string, Creator>;
  readonly releases: Record<string, Creator>;
}

interface Row extends Record<string, unknown> {
  action: string;
  resource: string;
  release_id: string | null;
  user_email: string;
  user_name: string;
  api_token_name: string;
  ts: Date | string;
}

const ACTIONS = [
  'app.create',
  'build.create',
  'build.import',
  'release.create',
  'env.set',
  'env.unset',
  'secret.set',
  'secret.unset',
];
const MAX_ROWS = 20_000;
/**
 * Written into the SQL (fixed names, no input) so the planner can match the partial index of
 * these events (migration 0008) even with a generic plan; a parameter would hide the list.
 */
const ACTION_LIST = ACTIONS.map((a) => `'${a}'`).join(', ');

function kindOf(action: string): keyof CreatedBy {
  if (action === 'app.create') return 'apps';
  return action.startsWith('build.') ? 'builds' : 'releases';
}

export async function createdBy(
  db: SqlRunner,
  chainId: string,
  app: string | undefined,
): Promise<CreatedBy> {
  const rows = await db.query<Row>(
    `SELECT action, resource, details::jsonb->>'release_id' AS release_id, user_email, user_name,
            api_token_name, ts
     FROM audit.audit_event
     WHERE chain_id = $1 AND status = 'success' AND action IN (${ACTION_LIST})
       AND ($2::text IS NULL OR details::jsonb->>'app' = $2 OR (action = 'app.create' AND resource = $2))
     ORDER BY seq DESC LIMIT ${MAX_ROWS}`,
    [chainId, app ?? null],
  );
  const out: CreatedBy = { apps: {}, builds: {}, releases: {} };
  for (const row of rows.reverse()) {
    const id =
      row.action.includes('.set') || row.action.includes('.unset') ? row.release_id : row.resource;
    const bucket = out[kindOf(row.action)];
    if (!id || bucket[id] !== undefined) continue;
    bucket[id] = {
      email: row.user_email,
      name: row.user_name,
      api_token_name: row.api_token_name || null,
      created_at: new Date(row.ts).toISOString(),
    };
  }
  return out;
}
