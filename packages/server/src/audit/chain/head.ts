// The chain head and the chain lock (audit.md §5.1): every batch takes the transaction-scoped
// advisory lock of its chain before reading the head, so replicas never fork the chain.
import type { SqlRunner } from '../../db/database.js';
import { EVENT_SELECT, rowToEvent, type StoredEventRow } from '../store/event-rows.js';

const CHAIN_ID = /^[a-z0-9-]{1,64}$/;

/**
 * Without parameters on purpose: as a transaction's first statement it then travels with BEGIN
 * (db/postgres.ts). The chain id is checked against the pattern audit.chain enforces, so it can
 * be written into the text.
 */
export async function lockChain(tx: SqlRunner, chainId: string): Promise<void> {
  if (!CHAIN_ID.test(chainId)) throw new Error(`invalid audit chain id "${chainId}"`);
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('rgw-audit:${chainId}', 0))`);
}

export interface ChainHead {
  readonly seq: number;
  readonly eventHash: Buffer;
  readonly tsUs: number;
  readonly keyId: string;
}

export async function readHead(db: SqlRunner, chainId: string): Promise<ChainHead | null> {
  const rows = await db.query<{
    seq: string;
    event_hash: Uint8Array;
    ts_us: string;
    key_id: string;
  }>(
    `SELECT h.seq::text AS seq, h.event_hash,
       (extract(epoch FROM h.ts) * 1000000)::bigint::text AS ts_us, h.key_id
     FROM audit.audit_event h WHERE h.chain_id = $1 ORDER BY h.seq DESC LIMIT 1`,
    [chainId],
  );
  const r = rows[0];
  if (r === undefined) return null;
  return {
    seq: Number(r.seq),
    eventHash: Buffer.from(r.event_hash),
    tsUs: Number(r.ts_us),
    keyId: r.key_id,
  };
}

/** The full head event (to check its HMAC at start-up). */
export async function readHeadEvent(
  db: SqlRunner,
  chainId: string,
): Promise<StoredEventRow | null> {
  const rows = await db.query(
    `SELECT ${EVENT_SELECT} FROM audit.audit_event e WHERE e.chain_id = $1 ORDER BY e.seq DESC LIMIT 1`,
    [chainId],
  );
  return rows[0] === undefined ? null : rowToEvent(rows[0]);
}

/** The chain stored in the database (one per database), or null before the first start. */
export async function storedChainId(db: SqlRunner): Promise<string | null> {
  const rows = await db.query<{ chain_id: string }>(
    'SELECT chain_id FROM audit.chain ORDER BY created_at LIMIT 1',
  );
  return rows[0]?.chain_id ?? null;
}
