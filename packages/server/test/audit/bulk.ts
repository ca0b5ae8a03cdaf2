// Synthetic audit rows inserted directly with SQL, for suites that need volume rather than valid
// hashes (export streaming, benchmarks). Never verifiable: the hashes are zeros, so the rows go in
// the way only a superuser could put them, with the chain's triggers (genesis check, head witness)
// switched off for the inserts.
import type { SqlRunner } from '../../src/db/database.js';

const TRIGGERS = ['audit.chain', 'audit.audit_event'];

export async function bulkInsertEvents(
  db: SqlRunner,
  chainId: string,
  rows: number,
): Promise<void> {
  for (const t of TRIGGERS) await db.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
  try {
    await insertRows(db, chainId, rows);
  } finally {
    for (const t of TRIGGERS) await db.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  }
}

async function insertRows(db: SqlRunner, chainId: string, rows: number): Promise<void> {
  await db.query(
    `INSERT INTO audit.chain (chain_id, genesis_hash) VALUES ($1, decode(repeat('00', 32), 'hex'))
     ON CONFLICT DO NOTHING`,
    [chainId],
  );
  await db.query(
    `INSERT INTO audit.audit_event (chain_id, seq, key_id, previous_hash, ts, occurred_at, event_id,
       actor_type, user_email, user_name, api_token_name, channel, action_type, action, resource,
       resource_type, status, rbac_decision, http_status, response_time_ms, ip_address, user_agent,
       request_id, command, details, event_hash)
     SELECT $1, g, 'k1', decode(repeat('00', 32), 'hex'), now(), now(), gen_random_uuid(), 'user',
       'user' || (g % 7) || '@example.com', 'User', '', 'cli', 'convox', 'app.list', 'all', 'app',
       'success', 'allow', 200, g % 50, '127.0.0.1', 'convox/3.19', 'req-' || g, '',
       '{"method":"GET","n":' || g || ',"path":"/apps"}', decode(repeat('00', 32), 'hex')
     FROM generate_series(1, $2::int) AS g`,
    [chainId, rows],
  );
}
